package io.apimeter.simulator.elevenlabs;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.SimHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /elevenlabs/v1/text-to-speech/{voice_id}[/stream]}: fake audio whose length follows the text, with
 * the {@code character-cost} header the gateway bills from (the text's characters, or {@code x-sim-character-cost}).
 */
final class TextToSpeech {

    /** Longest text accepted, the largest limit of ElevenLabs' models. */
    static final long MAX_CHARACTERS = 40_000;

    private static final CharSequence AUDIO_MPEG = HttpHeaders.createOptimized("audio/mpeg");

    private final ElevenLabsRoutes routes;
    private final AtomicLong sequence = new AtomicLong();

    TextToSpeech(ElevenLabsRoutes routes) {
        this.routes = routes;
    }

    void convert(Exchange exchange) {
        handle(exchange, false);
    }

    void stream(Exchange exchange) {
        handle(exchange, true);
    }

    private void handle(Exchange exchange, boolean stream) {
        if (!routes.authorized(exchange)) {
            return;
        }
        long characterCost = SimHeaders.nonNegativeLong(exchange, SimHeaders.CHARACTER_COST).orElse(-1);
        SpeechRequest request;
        try {
            request = SpeechRequest.parse(exchange.body(), exchange.queryParam("output_format"));
        } catch (UnprocessableRequestException e) {
            exchange.respondJson(422, e.body());
            return;
        }
        long characters = request.characters();
        if (characters > MAX_CHARACTERS) {
            exchange.respondJson(400, new ElevenLabsError.Status(new ElevenLabsError.Status.Detail(
                    "max_character_limit_exceeded", "Text is " + characters + " characters long; at most "
                    + MAX_CHARACTERS + " are allowed per request.")));
            return;
        }
        long n = sequence.incrementAndGet();
        Buffer audio = FakeAudio.of(characters);
        exchange.responseHeader("character-cost", String.valueOf(characterCost >= 0 ? characterCost : characters));
        exchange.responseHeader("request-id", "req_sim_tts_" + n);
        exchange.responseHeader("history-item-id", "hist_sim_" + n);
        if (stream) {
            exchange.stream(200, AUDIO_MPEG, FakeAudio.chunks(audio));
        } else {
            exchange.respond(200, AUDIO_MPEG, audio);
        }
    }
}
