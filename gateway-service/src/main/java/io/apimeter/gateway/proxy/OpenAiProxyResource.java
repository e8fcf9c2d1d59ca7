package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallMeter;
import io.apimeter.gateway.service.CallerDirectory;
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
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible API for client apps: an official OpenAI SDK works with only its base URL set to
 * {@code <gateway>/openai/v1} and a platform API key as its API key.
 */
@Path("/openai/v1")
@PermitAll
public class OpenAiProxyResource {
    private static final Logger LOG = Logger.getLogger(OpenAiProxyResource.class);

    private final CallerDirectory directory;
    private final UpstreamClient upstream;
    private final CallMeter meter;
    private final GatewayConfig.Upstream openai;

    public OpenAiProxyResource(CallerDirectory directory, UpstreamClient upstream, CallMeter meter, GatewayConfig config) {
        this.directory = directory;
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
        Instant startedAt = Instant.now();
        long startedNanos = System.nanoTime();
        String presented = bearer(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (presented == null) {
            return OpenAiErrors.missingKey();
        }
        Optional<CallerDirectory.Caller> caller = directory.authenticate(presented);
        if (caller.isEmpty()) {
            return OpenAiErrors.invalidKey();
        }
        Optional<String> providerKey = directory.credential(caller.get().customerId(), Provider.OPENAI);
        if (providerKey.isEmpty()) {
            return OpenAiErrors.noCredential();
        }
        JsonNode request = parse(body);
        String model = request != null && request.path("model").isTextual() ? request.get("model").asText() : null;
        CallMeter.Call call = new CallMeter.Call(caller.get(), Provider.OPENAI, operation, model, startedAt, startedNanos);
        if (request instanceof ObjectNode streamed && streamed.path("stream").asBoolean(false)) {
            return forwardStream(call, path, streamed, headers, providerKey.get(), connection);
        }

        HttpResponse<byte[]> answer;
        try {
            answer = upstream.post(URI.create(openai.baseUrl() + path), body, headers,
                    Map.of("Authorization", "Bearer " + providerKey.get()), openai.timeout());
        } catch (HttpTimeoutException e) {
            meter.record(call, 504, Outcome.PROVIDER_TIMEOUT, Usage.NONE);
            return OpenAiErrors.timeout();
        } catch (IOException e) {
            LOG.warnf("OpenAI unreachable for customer %s: %s", caller.get().customerId(), e.getClass().getSimpleName());
            meter.record(call, 502, Outcome.PROVIDER_UNREACHABLE, Usage.NONE);
            return OpenAiErrors.unreachable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            meter.record(call, 499, Outcome.CLIENT_ABORTED, Usage.NONE);
            return OpenAiErrors.unreachable();
        }

        int status = answer.statusCode();
        Usage usage = OpenAiUsage.from(parse(answer.body()));
        meter.record(call, status, status >= 200 && status < 300 ? Outcome.SUCCESS : Outcome.PROVIDER_ERROR, usage);
        return passBack(answer);
    }

    /**
     * A streamed call: the answer goes to the client chunk by chunk as it arrives. Chat and legacy completions
     * only report usage when asked, so the gateway asks on the client's behalf and keeps that chunk from a
     * client that did not ask. A stream that ends without usage (the client went away, the provider broke
     * off) is metered with tokens counted by OpenAI's tokenizer, marked as estimated.
     */
    private Response forwardStream(CallMeter.Call call, String path, ObjectNode request, HttpHeaders headers,
                                   String providerKey, HttpServerResponse connection) {
        boolean dropUsageChunk = false;
        if (!path.equals("/responses")) {
            ObjectNode options = request.path("stream_options").isObject()
                    ? (ObjectNode) request.get("stream_options") : request.putObject("stream_options");
            if (!options.path("include_usage").asBoolean(false)) {
                options.put("include_usage", true);
                dropUsageChunk = true;
            }
        }
        byte[] body = EventJson.write(request).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<InputStream> answer;
        try {
            answer = upstream.postStreaming(URI.create(openai.baseUrl() + path), body, headers,
                    Map.of("Authorization", "Bearer " + providerKey), openai.timeout());
        } catch (HttpTimeoutException e) {
            meter.record(call, 504, Outcome.PROVIDER_TIMEOUT, Usage.NONE);
            return OpenAiErrors.timeout();
        } catch (IOException e) {
            meter.record(call, 502, Outcome.PROVIDER_UNREACHABLE, Usage.NONE);
            return OpenAiErrors.unreachable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            meter.record(call, 499, Outcome.CLIENT_ABORTED, Usage.NONE);
            return OpenAiErrors.unreachable();
        }
        int status = answer.statusCode();
        if (status < 200 || status >= 300) {
            byte[] error;
            try (InputStream in = answer.body()) {
                error = in.readAllBytes();
            } catch (IOException e) {
                error = new byte[0];
            }
            meter.record(call, status, Outcome.PROVIDER_ERROR, OpenAiUsage.from(parse(error)));
            return passBack(status, answer.headers(), error);
        }
        SseRelay relay = new SseRelay(answer.body(), dropUsageChunk, connection::closed, result -> {
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
        return passBack(status, answer.headers(), relay);
    }

    private static Response passBack(int status, java.net.http.HttpHeaders upstreamHeaders, Object entity) {
        Response.ResponseBuilder response = Response.status(status).entity(entity);
        for (Map.Entry<String, List<String>> header : upstreamHeaders.map().entrySet()) {
            if (UpstreamClient.passBack(header.getKey())) {
                for (String value : header.getValue()) {
                    response.header(header.getKey(), value);
                }
            }
        }
        return response.build();
    }

    private static Response passBack(HttpResponse<byte[]> answer) {
        return passBack(answer.statusCode(), answer.headers(), answer.body());
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String key = authorization.substring(7).trim();
        return key.isEmpty() ? null : key;
    }

    private static JsonNode parse(byte[] json) {
        if (json == null || json.length == 0) {
            return null;
        }
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            return null;
        }
    }
}
