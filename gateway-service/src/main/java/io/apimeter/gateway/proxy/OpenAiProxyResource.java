package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallMeter;
import io.apimeter.gateway.service.CallerDirectory;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
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
    public Response chatCompletions(byte[] body, @Context HttpHeaders headers) {
        Instant startedAt = Instant.now();
        long startedNanos = System.nanoTime();
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        String presented = bearer(authorization);
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
        if (request != null && request.path("stream").asBoolean(false)) {
            return OpenAiErrors.streamingNotSupported();
        }
        String model = request != null && request.path("model").isTextual() ? request.get("model").asText() : null;
        CallMeter.Call call = new CallMeter.Call(caller.get(), Provider.OPENAI, "chat.completions", model,
                startedAt, startedNanos);

        HttpResponse<byte[]> answer;
        try {
            answer = upstream.post(URI.create(openai.baseUrl() + "/chat/completions"), body, headers,
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

    private static Response passBack(HttpResponse<byte[]> answer) {
        Response.ResponseBuilder response = Response.status(answer.statusCode()).entity(answer.body());
        for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
            if (UpstreamClient.passBack(header.getKey())) {
                for (String value : header.getValue()) {
                    response.header(header.getKey(), value);
                }
            }
        }
        return response.build();
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
