package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElevenLabsTextToSpeechTest extends SimulatorTest {

    private static final String TTS = "/elevenlabs/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM";
    private static final String HELLO = "{\"text\":\"Hello world\",\"model_id\":\"eleven_multilingual_v2\"}";

    private static HttpRequest.Builder tts(String path, String body) {
        return client.post(path, body).header("xi-api-key", "xi-test");
    }

    @Test
    void shouldAnswerAudioSizedByTheTextWithItsCharacterCost() throws Exception {
        HttpResponse<byte[]> response = client.sendForBytes(tts(TTS + "?output_format=mp3_44100_128", HELLO));

        assertEquals(200, response.statusCode());
        assertEquals("audio/mpeg", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("11", response.headers().firstValue("character-cost").orElseThrow());
        assertTrue(response.headers().firstValue("request-id").isPresent());
        assertTrue(response.headers().firstValue("history-item-id").isPresent());
        assertEquals(11 * 64, response.body().length);
        assertEquals(String.valueOf(11 * 64), response.headers().firstValue("content-length").orElseThrow());
        assertEquals((byte) 0xFF, response.body()[0]);

        HttpResponse<byte[]> again = client.sendForBytes(tts(TTS, HELLO));
        assertArrayEquals(response.body(), again.body(), "the same text gives the same audio");
    }

    @Test
    void shouldReportTheCharacterCostNamedInTheHeader() throws Exception {
        HttpResponse<byte[]> response = client.sendForBytes(tts(TTS, HELLO).header("x-sim-character-cost", "250"));

        assertEquals(200, response.statusCode());
        assertEquals("250", response.headers().firstValue("character-cost").orElseThrow());
        assertEquals(11 * 64, response.body().length, "the audio still follows the text");
    }

    @Test
    void shouldStreamTheSameAudioInSeveralChunksPacedByTheChunkDelay() throws Exception {
        String text = "a".repeat(200);
        byte[] whole = client.sendForBytes(tts(TTS, "{\"text\":\"" + text + "\"}")).body();

        HttpResponse<InputStream> response = client.stream(tts(TTS + "/stream", "{\"text\":\"" + text + "\"}")
                .header("x-sim-chunk-delay-ms", "100"));

        assertEquals(200, response.statusCode());
        assertEquals("audio/mpeg", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("200", response.headers().firstValue("character-cost").orElseThrow(),
                "headers come before the audio");
        assertTrue(response.headers().firstValue("content-length").isEmpty(), "chunked");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long firstAt = 0;
        long lastAt = 0;
        int reads = 0;
        try (InputStream body = response.body()) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                lastAt = System.nanoTime();
                if (reads++ == 0) {
                    firstAt = lastAt;
                }
                received.write(buffer, 0, n);
            }
        }
        assertArrayEquals(whole, received.toByteArray());
        assertTrue(reads >= 4, "read in " + reads + " pieces");
        long spreadMs = (lastAt - firstAt) / 1_000_000;
        assertTrue(spreadMs >= 250, "4 chunks 100 ms apart arrived over " + spreadMs + " ms");
    }

    @Test
    void shouldRefuseARequestWithoutKeyInElevenLabsFormat() throws Exception {
        HttpResponse<String> response = client.send(client.post(TTS, HELLO));

        assertEquals(401, response.statusCode());
        assertEquals("invalid_api_key", json(response).at("/detail/status").asText());
        assertTrue(json(response).at("/detail/message").asText().contains("xi-api-key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model_id\":\"eleven_multilingual_v2\"}", "{\"text\":null}"})
    void shouldAnswerA422NamingTheMissingText(String body) throws Exception {
        HttpResponse<String> response = client.send(tts(TTS, body));

        assertEquals(422, response.statusCode());
        JsonNode field = json(response).at("/detail/0");
        assertEquals("body", field.at("/loc/0").asText());
        assertEquals("text", field.at("/loc/1").asText());
        assertEquals("field required", field.get("msg").asText());
        assertEquals("value_error.missing", field.get("type").asText());
    }

    @Test
    void shouldAnswerA422ForAnUnknownOutputFormat() throws Exception {
        HttpResponse<String> response = client.send(tts(TTS + "/stream?output_format=wav_lossless", HELLO));

        assertEquals(422, response.statusCode());
        assertEquals("output_format", json(response).at("/detail/0/loc/1").asText());
    }

    @Test
    void shouldAnswerAnInjectedStatusInElevenLabsFormat() throws Exception {
        HttpResponse<String> response = client.send(tts(TTS, HELLO).header("x-sim-status", "429"));

        assertEquals(429, response.statusCode());
        assertEquals("too_many_concurrent_requests", json(response).at("/detail/status").asText());
        assertTrue(response.headers().firstValue("character-cost").isEmpty());
    }

    @Test
    void shouldRecordTheRequestWithItsQuery() throws Exception {
        simulator.clearRequests();

        client.sendForBytes(tts(TTS + "/stream?output_format=pcm_16000", HELLO));

        RecordedRequest recorded = simulator.requests().get(0);
        assertEquals(TTS + "/stream", recorded.path());
        assertEquals("output_format=pcm_16000", recorded.query());
        assertEquals("xi-test", recorded.header("xi-api-key"));
        assertEquals(simulator.baseUrl() + "/elevenlabs/v1", simulator.elevenLabsBaseUrl());
    }
}
