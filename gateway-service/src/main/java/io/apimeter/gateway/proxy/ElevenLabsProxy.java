package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallMeter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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

    private final ProviderCalls calls;
    private final UpstreamClient upstream;
    private final CallMeter meter;
    private final GatewayConfig.Upstream elevenlabs;

    public ElevenLabsProxy(ProviderCalls calls, UpstreamClient upstream, CallMeter meter, GatewayConfig config) {
        this.calls = calls;
        this.upstream = upstream;
        this.meter = meter;
        this.elevenlabs = config.providers().elevenlabs();
    }

    /** {@code POST /elevenlabs/v1/text-to-speech/{voiceId}[/stream]}: {@code suffix} is "" or "/stream". */
    void speech(RoutingContext context, String suffix) {
        Buffer body = ProxyRoutes.body(context);
        String voiceId = context.pathParam("voiceId");
        calls.whenAuthorized(context, context.request().getHeader("xi-api-key"), Provider.ELEVENLABS,
                ElevenLabsErrors.FORMAT, authorized -> {
                    if (voiceId == null || !VOICE_ID.matcher(voiceId).matches()) {
                        ProviderCalls.reply(context.response(), ElevenLabsErrors.error(400, "invalid_voice_id",
                                "voice_id must be 1 to 64 letters, digits, '-' or '_'."));
                        return;
                    }
                    forward(context, authorized, "/text-to-speech/" + voiceId + suffix, body);
                });
    }

    private void forward(RoutingContext context, ProviderCalls.Authorized authorized, String path, Buffer body) {
        HttpServerResponse client = context.response();
        Map<String, JsonNode> fields = JsonFields.read(body.getBytes(), REQUEST_FIELDS);
        String model = JsonFields.text(fields, "model_id");
        String requested = JsonFields.text(fields, "text");
        String text = requested == null ? "" : requested;
        ProviderCalls.Admission admission = calls.admit(context, authorized, Provider.ELEVENLABS, "text-to-speech",
                model, ElevenLabsErrors.FORMAT,
                () -> new Usage(0, 0, 0, 0, text.codePointCount(0, text.length()), 0, true));
        if (admission.refusal() != null) {
            ProviderCalls.reply(client, admission.refusal());
            return;
        }
        CallMeter.Call call = admission.call();
        String query = context.request().query();
        String url = elevenlabs.baseUrl() + path + (query == null ? "" : "?" + query);
        Map<String, String> auth = Map.of("xi-api-key", authorized.providerKey());
        upstream.post(elevenlabs, url, body, context.request().headers(), auth).onComplete(sending -> {
            if (sending.failed()) {
                ProviderCalls.reply(client, calls.failed(call, ElevenLabsErrors.FORMAT, sending.cause()));
                return;
            }
            UpstreamClient.Upstream answer = sending.result();
            int status = answer.response().statusCode();
            MultiMap headers = answer.response().headers();
            if (!ProviderCalls.success(status)) {
                ProviderCalls.readWhole(answer).onComplete(reading -> {
                    meter.record(call, status, Outcome.PROVIDER_ERROR, Usage.NONE);
                    ProviderCalls.passBack(client, status, headers,
                            reading.succeeded() ? reading.result() : Buffer.buffer());
                });
                return;
            }
            OptionalLong reported = characterCost(headers);
            long characters = reported.isPresent() ? reported.getAsLong() : text.codePointCount(0, text.length());
            Usage usage = new Usage(0, 0, 0, 0, characters, 0, reported.isEmpty());
            ProviderCalls.passBackHead(client, status, headers);
            StreamRelay.start(answer, client, StreamRelay.AS_IS, (clientGone, upstreamBroken) ->
                    meter.record(call, clientGone ? 499 : status,
                            clientGone ? Outcome.CLIENT_ABORTED
                                    : upstreamBroken ? Outcome.PROVIDER_ERROR : Outcome.SUCCESS,
                            usage));
        });
    }

    private static OptionalLong characterCost(MultiMap headers) {
        String value = headers.get("character-cost");
        if (value == null || !DIGITS.matcher(value.trim()).matches()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(value.trim()));
    }
}
