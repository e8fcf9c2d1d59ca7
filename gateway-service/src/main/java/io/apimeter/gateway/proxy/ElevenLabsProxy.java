package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ElevenLabs-compatible API for client apps (platform API key in {@code xi-api-key}): text to speech,
 * whole or streamed. Audio passes through as it arrives. The characters billed are those ElevenLabs reports
 * in its {@code character-cost} header, and otherwise the characters of the text sent. Runs on the event loop
 * (see {@link ProxyRoutes}).
 */
@ApplicationScoped
public class ElevenLabsProxy {
    private static final Pattern VOICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,12}");
    private static final Set<String> REQUEST_FIELDS = Set.of("model_id", "text");

    private final GatewayConfig.Upstream elevenlabs;

    public ElevenLabsProxy(GatewayConfig config) {
        this.elevenlabs = config.providers().elevenlabs();
    }

    /** {@code POST /elevenlabs/v1/text-to-speech/{voiceId}[/stream]}: {@code suffix} is "" or "/stream". */
    ProviderRoute speech(String suffix) {
        return new ProviderRoute(Provider.ELEVENLABS, ElevenLabsErrors.FORMAT, elevenlabs,
                context -> context.request().getHeader("xi-api-key"), key -> Map.of("xi-api-key", key),
                (context, body) -> read(context, suffix, body));
    }

    private ProviderRoute.Request read(RoutingContext context, String suffix, Buffer body) {
        String voiceId = context.pathParam("voiceId");
        if (voiceId == null || !VOICE_ID.matcher(voiceId).matches()) {
            return ProviderRoute.Request.refused(ElevenLabsErrors.error(400, "invalid_voice_id",
                    "voice_id must be 1 to 64 letters, digits, '-' or '_'."));
        }
        Map<String, JsonNode> fields = JsonFields.read(body.getBytes(), REQUEST_FIELDS);
        String model = JsonFields.text(fields, "model_id");
        String requested = JsonFields.text(fields, "text");
        String text = requested == null ? "" : requested;
        String query = context.request().query();
        String url = elevenlabs.baseUrl() + "/text-to-speech/" + voiceId + suffix + (query == null ? "" : "?" + query);
        long characters = text.codePointCount(0, text.length());
        return new ProviderRoute.Request("text-to-speech", model, url, body,
                () -> new Usage(0, 0, 0, 0, characters, 0, true), (call, answer) -> spoken(call, answer, characters),
                null);
    }

    /**
     * Audio passes through as it arrives; billed are the characters ElevenLabs reports in {@code character-cost},
     * otherwise those of the text sent (marked estimated). An error answer is read whole.
     */
    private static void spoken(MeteredCall call, UpstreamClient.Upstream answer, long textCharacters) {
        int status = answer.response().statusCode();
        MultiMap headers = answer.response().headers();
        if (!ProviderCalls.success(status)) {
            call.readWhole(answer, error -> call.passBack(status, headers, error, Outcome.PROVIDER_ERROR, Usage.NONE));
            return;
        }
        OptionalLong reported = characterCost(headers);
        long characters = reported.isPresent() ? reported.getAsLong() : textCharacters;
        Usage usage = new Usage(0, 0, 0, 0, characters, 0, reported.isEmpty());
        call.stream(answer, StreamRelay.AS_IS, (clientGone, upstreamBroken) ->
                call.meter(clientGone ? 499 : status, clientGone ? Outcome.CLIENT_ABORTED
                        : upstreamBroken ? Outcome.PROVIDER_ERROR : Outcome.SUCCESS, usage));
    }

    private static OptionalLong characterCost(MultiMap headers) {
        String value = headers.get("character-cost");
        if (value == null || !DIGITS.matcher(value.trim()).matches()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(value.trim()));
    }
}
