package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallMeter;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The ElevenLabs-compatible API for client apps (platform API key in {@code xi-api-key}): text to speech,
 * whole or streamed. Audio passes through as it arrives. The characters billed are those ElevenLabs reports
 * in its {@code character-cost} header, and otherwise the characters of the text sent.
 */
@Path("/elevenlabs/v1")
@PermitAll
public class ElevenLabsProxyResource {
    private static final Pattern VOICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ProviderCalls calls;
    private final UpstreamClient upstream;
    private final CallMeter meter;
    private final GatewayConfig.Upstream elevenlabs;

    public ElevenLabsProxyResource(ProviderCalls calls, UpstreamClient upstream, CallMeter meter, GatewayConfig config) {
        this.calls = calls;
        this.upstream = upstream;
        this.meter = meter;
        this.elevenlabs = config.providers().elevenlabs();
    }

    @POST
    @Path("/text-to-speech/{voiceId}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.WILDCARD)
    public Response speech(@PathParam("voiceId") String voiceId, byte[] body, @Context HttpHeaders headers,
                           @Context UriInfo uri, @Context HttpServerResponse connection) {
        return forward("/text-to-speech/" + voiceId, voiceId, body, headers, uri, connection);
    }

    @POST
    @Path("/text-to-speech/{voiceId}/stream")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.WILDCARD)
    public Response speechStream(@PathParam("voiceId") String voiceId, byte[] body, @Context HttpHeaders headers,
                                 @Context UriInfo uri, @Context HttpServerResponse connection) {
        return forward("/text-to-speech/" + voiceId + "/stream", voiceId, body, headers, uri, connection);
    }

    private Response forward(String path, String voiceId, byte[] body, HttpHeaders headers, UriInfo uri,
                             HttpServerResponse connection) {
        ProviderCalls.Authorization authorization = calls.authorize(headers.getHeaderString("xi-api-key"),
                Provider.ELEVENLABS, ElevenLabsErrors.FORMAT);
        if (authorization.refusal() != null) {
            return authorization.refusal();
        }
        if (!VOICE_ID.matcher(voiceId).matches()) {
            return ElevenLabsErrors.error(400, "invalid_voice_id", "voice_id must be 1 to 64 letters, digits, '-' or '_'.");
        }
        JsonNode request = ProviderCalls.json(body);
        String model = request != null && request.path("model_id").isTextual() ? request.get("model_id").asText() : null;
        String text = request != null && request.path("text").isTextual() ? request.get("text").asText() : "";
        ProviderCalls.Admission admission = calls.admit(authorization.authorized(), Provider.ELEVENLABS,
                "text-to-speech", model, ElevenLabsErrors.FORMAT);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        CallMeter.Call call = admission.call();
        String query = uri.getRequestUri().getRawQuery();
        URI target = URI.create(elevenlabs.baseUrl() + path + (query == null ? "" : "?" + query));
        Map<String, String> auth = Map.of("xi-api-key", authorization.authorized().providerKey());
        ProviderCalls.Sent<InputStream> sent = calls.send(call, ElevenLabsErrors.FORMAT,
                () -> upstream.postStreaming(target, body, headers, auth, elevenlabs.timeout()));
        if (sent.failure() != null) {
            return sent.failure();
        }
        int status = sent.answer().statusCode();
        if (!ProviderCalls.success(status)) {
            byte[] error = ProviderCalls.readFully(sent.answer().body());
            meter.record(call, status, Outcome.PROVIDER_ERROR, Usage.NONE);
            return ProviderCalls.passBack(status, sent.answer().headers(), error);
        }
        OptionalLong reported = characterCost(sent.answer().headers());
        long characters = reported.isPresent() ? reported.getAsLong() : text.codePointCount(0, text.length());
        Usage usage = new Usage(0, 0, 0, 0, characters, 0, reported.isEmpty());
        ByteRelay relay = new ByteRelay(sent.answer().body(), connection::closed, (clientGone, upstreamBroken) ->
                meter.record(call, clientGone ? 499 : status,
                        clientGone ? Outcome.CLIENT_ABORTED : upstreamBroken ? Outcome.PROVIDER_ERROR : Outcome.SUCCESS,
                        usage));
        return ProviderCalls.passBack(status, sent.answer().headers(), relay);
    }

    private static OptionalLong characterCost(java.net.http.HttpHeaders headers) {
        return headers.firstValue("character-cost").map(String::trim).filter(v -> v.matches("\\d{1,12}"))
                .map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }
}
