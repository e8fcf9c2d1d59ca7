package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallMeter;
import jakarta.annotation.security.PermitAll;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * The OpenAI-compatible API for client apps: an official OpenAI SDK works with only its base URL set to
 * {@code <gateway>/openai/v1} and a platform API key as its API key.
 */
@Path("/openai/v1")
@PermitAll
public class OpenAiProxyResource {
    private final ProviderCalls calls;
    private final UpstreamClient upstream;
    private final CallMeter meter;
    private final GatewayConfig.Upstream openai;

    public OpenAiProxyResource(ProviderCalls calls, UpstreamClient upstream, CallMeter meter, GatewayConfig config) {
        this.calls = calls;
        this.upstream = upstream;
        this.meter = meter;
        this.openai = config.providers().openai();
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.WILDCARD)
    public Response chatCompletions(byte[] body, @Context HttpHeaders headers, @Context HttpServerResponse connection) {
        return forward("chat.completions", "/chat/completions", body, headers, connection);
    }

    @POST
    @Path("/responses")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.WILDCARD)
    public Response responses(byte[] body, @Context HttpHeaders headers, @Context HttpServerResponse connection) {
        return forward("responses", "/responses", body, headers, connection);
    }

    @POST
    @Path("/embeddings")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.WILDCARD)
    public Response embeddings(byte[] body, @Context HttpHeaders headers, @Context HttpServerResponse connection) {
        return forward("embeddings", "/embeddings", body, headers, connection);
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.WILDCARD)
    public Response completions(byte[] body, @Context HttpHeaders headers, @Context HttpServerResponse connection) {
        return forward("completions", "/completions", body, headers, connection);
    }

    /**
     * Authenticates the client app, forwards the call to OpenAI with the customer's own key, returns the
     * answer unchanged and meters it. Every outcome after authentication is metered, failures included.
     */
    private Response forward(String operation, String path, byte[] body, HttpHeaders headers,
                             HttpServerResponse connection) {
        ProviderCalls.Authorization authorization = calls.authorize(
                ProviderCalls.bearer(headers.getHeaderString(HttpHeaders.AUTHORIZATION)), Provider.OPENAI, OpenAiErrors.FORMAT);
        if (authorization.refusal() != null) {
            return authorization.refusal();
        }
        ProviderCalls.Authorized authorized = authorization.authorized();
        JsonNode request = ProviderCalls.json(body);
        String model = request != null && request.path("model").isTextual() ? request.get("model").asText() : null;
        ProviderCalls.Admission admission = calls.admit(authorized, Provider.OPENAI, operation, model,
                OpenAiErrors.FORMAT);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        CallMeter.Call call = admission.call();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + authorized.providerKey());
        URI uri = URI.create(openai.baseUrl() + path);
        if (request instanceof ObjectNode streamed && streamed.path("stream").asBoolean(false)) {
            return forwardStream(call, uri, streamed, headers, auth, connection);
        }
        ProviderCalls.Sent<byte[]> sent = calls.send(call, OpenAiErrors.FORMAT,
                () -> upstream.post(uri, body, headers, auth, openai.timeout()));
        if (sent.failure() != null) {
            return sent.failure();
        }
        int status = sent.answer().statusCode();
        Usage usage = OpenAiUsage.from(ProviderCalls.json(sent.answer().body()));
        meter.record(call, status, ProviderCalls.success(status) ? Outcome.SUCCESS : Outcome.PROVIDER_ERROR, usage);
        return ProviderCalls.passBack(status, sent.answer().headers(), sent.answer().body());
    }

    /**
     * A streamed call: the answer goes to the client chunk by chunk as it arrives. Chat and legacy completions
     * only report usage when asked, so the gateway asks on the client's behalf and keeps that chunk from a
     * client that did not ask. A stream that ends without usage (the client went away, the provider broke
     * off) is metered with tokens counted by OpenAI's tokenizer, marked as estimated.
     */
    private Response forwardStream(CallMeter.Call call, URI uri, ObjectNode request, HttpHeaders headers,
                                   Map<String, String> auth, HttpServerResponse connection) {
        boolean dropUsageChunk = false;
        if (!uri.getPath().endsWith("/responses")) {
            ObjectNode options = request.path("stream_options").isObject()
                    ? (ObjectNode) request.get("stream_options") : request.putObject("stream_options");
            if (!options.path("include_usage").asBoolean(false)) {
                options.put("include_usage", true);
                dropUsageChunk = true;
            }
        }
        byte[] body = EventJson.write(request).getBytes(StandardCharsets.UTF_8);
        ProviderCalls.Sent<InputStream> sent = calls.send(call, OpenAiErrors.FORMAT,
                () -> upstream.postStreaming(uri, body, headers, auth, openai.timeout()));
        if (sent.failure() != null) {
            return sent.failure();
        }
        int status = sent.answer().statusCode();
        if (!ProviderCalls.success(status)) {
            byte[] error = ProviderCalls.readFully(sent.answer().body());
            meter.record(call, status, Outcome.PROVIDER_ERROR, OpenAiUsage.from(ProviderCalls.json(error)));
            return ProviderCalls.passBack(status, sent.answer().headers(), error);
        }
        SseRelay relay = new SseRelay(sent.answer().body(), dropUsageChunk, connection::closed, result -> {
            if (result.reportedUsage() != null) {
                Outcome outcome = result.clientGone() ? Outcome.CLIENT_ABORTED : Outcome.SUCCESS;
                meter.record(call, status, outcome, result.reportedUsage());
            } else {
                long input = TokenEstimator.count(call.model(), TokenEstimator.inputText(request));
                long output = TokenEstimator.count(call.model(), result.outputText());
                Outcome outcome = result.clientGone() ? Outcome.CLIENT_ABORTED
                        : result.upstreamBroken() ? Outcome.PROVIDER_ERROR : Outcome.SUCCESS;
                meter.record(call, result.clientGone() ? 499 : status, outcome,
                        new Usage(input, output, 0, 0, 0, 0, true));
            }
        });
        return ProviderCalls.passBack(status, sent.answer().headers(), relay);
    }
}
