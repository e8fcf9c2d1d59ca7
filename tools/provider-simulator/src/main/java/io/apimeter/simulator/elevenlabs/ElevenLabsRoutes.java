package io.apimeter.simulator.elevenlabs;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.ProviderRoutes;
import io.apimeter.simulator.http.RouteRegistry;
import java.util.ArrayList;
import java.util.List;

/** ElevenLabs' API under {@code /elevenlabs/v1}, answering errors in ElevenLabs' format. */
public final class ElevenLabsRoutes implements ProviderRoutes {

    public static final String PREFIX = "/elevenlabs/v1";

    private final TextToSpeech textToSpeech = new TextToSpeech(this);

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/text-to-speech/{voice_id}", textToSpeech::convert);
        routes.post("/text-to-speech/{voice_id}/stream", textToSpeech::stream);
    }

    @Override
    public void respondError(Exchange exchange, int status, String message, String param) {
        if (status == 422) {
            List<Object> loc = new ArrayList<>(List.of("body"));
            if (param != null) {
                loc.add(param);
            }
            exchange.respondJson(422, ElevenLabsError.validation(loc,
                    message != null ? message : "Unprocessable entity", "value_error"));
        } else {
            exchange.respondJson(status, ElevenLabsError.forStatus(status, message));
        }
    }

    /** Whether the request carries an {@code xi-api-key}; if not, answers a 401. */
    boolean authorized(Exchange exchange) {
        String key = exchange.header("xi-api-key");
        if (key != null && !key.isBlank()) {
            return true;
        }
        respondError(exchange, 401, "Missing or invalid API key: send your key in the xi-api-key header.", null);
        return false;
    }
}
