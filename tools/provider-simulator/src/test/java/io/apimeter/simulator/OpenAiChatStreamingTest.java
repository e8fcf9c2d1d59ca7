package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiChatStreamingTest extends SimulatorTest {

    private static final String STREAM = """
            {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello there"}]}""";
    private static final String STREAM_WITH_USAGE = """
            {"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"Hello there"}]}""";

    @Test
    void shouldStreamRoleThenContentPiecesThenStopThenDoneWithoutUsage() throws Exception {
        HttpResponse<InputStream> response = client.stream(client.chat(STREAM));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<SseReader.Event> events = SseReader.readAll(response.body());
        assertEquals("[DONE]", events.get(events.size() - 1).data());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(SseReader.Event::json).toList();

        JsonNode first = chunks.get(0);
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("gpt-4o-mini", first.get("model").asText());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("", first.at("/choices/0/delta/content").asText());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        assertTrue(last.at("/choices/0/delta").isEmpty());

        StringBuilder content = new StringBuilder();
        for (JsonNode chunk : chunks.subList(1, chunks.size() - 1)) {
            assertTrue(chunk.at("/choices/0/finish_reason").isNull());
            content.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertTrue(chunks.size() - 2 > 1, "the answer comes in several pieces");
        assertEquals(16, content.toString().split(" ").length, content.toString());
        for (JsonNode chunk : chunks) {
            assertEquals(first.get("id"), chunk.get("id"), "one id for the whole stream");
            assertTrue(chunk.has("usage") && chunk.get("usage").isNull(), chunk.toString());
            assertEquals(1, chunk.get("choices").size());
        }
    }

    @Test
    void shouldEndWithOneUsageChunkWithoutChoicesWhenIncludeUsageIsAsked() throws Exception {
        HttpResponse<InputStream> response = client.stream(client.chat(STREAM_WITH_USAGE)
                .header("x-sim-prompt-tokens", "120")
                .header("x-sim-completion-tokens", "7")
                .header("x-sim-cached-tokens", "100")
                .header("x-sim-reasoning-tokens", "2"));

        List<SseReader.Event> events = SseReader.readAll(response.body());
        assertEquals("[DONE]", events.get(events.size() - 1).data());
        JsonNode usageChunk = events.get(events.size() - 2).json();
        assertEquals(0, usageChunk.get("choices").size());
        JsonNode usage = usageChunk.get("usage");
        assertEquals(120, usage.get("prompt_tokens").asLong());
        assertEquals(7, usage.get("completion_tokens").asLong());
        assertEquals(127, usage.get("total_tokens").asLong());
        assertEquals(100, usage.at("/prompt_tokens_details/cached_tokens").asLong());
        assertEquals(2, usage.at("/completion_tokens_details/reasoning_tokens").asLong());
        assertEquals("stop", events.get(events.size() - 3).json().at("/choices/0/finish_reason").asText());
        for (SseReader.Event event : events.subList(0, events.size() - 2)) {
            assertTrue(event.json().get("usage").isNull(), "only the usage chunk has usage");
        }
        String content = events.subList(1, events.size() - 3).stream()
                .map(event -> event.json().at("/choices/0/delta/content").asText())
                .reduce("", String::concat);
        assertEquals(7, content.split(" ").length, "one word per completion token: " + content);
    }

    @Test
    void shouldDeriveTheSameStreamedUsageAsTheWholeAnswer() throws Exception {
        List<SseReader.Event> events = SseReader.readAll(client.stream(client.chat(STREAM_WITH_USAGE)).body());
        JsonNode whole = json(client.send(client.chat(STREAM_WITH_USAGE
                .replace("\"stream\":true,\"stream_options\":{\"include_usage\":true},", ""))));

        assertEquals(whole.get("usage"), events.get(events.size() - 2).json().get("usage"));
        assertEquals(7, whole.at("/usage/prompt_tokens").asLong(), "\"Hello there\": 3 + 4");
    }

    @Test
    void shouldWaitTheRequestedDelayBetweenChunks() throws Exception {
        // role, 3 content pieces, stop, [DONE]: five pauses of 100 ms.
        HttpResponse<InputStream> response = client.stream(client.chat(STREAM)
                .header("x-sim-completion-tokens", "3")
                .header("x-sim-chunk-delay-ms", "100"));

        List<SseReader.Event> events = SseReader.readAll(response.body());

        assertEquals(6, events.size());
        long spreadMs = (events.get(5).arrivedAt() - events.get(0).arrivedAt()) / 1_000_000;
        assertTrue(spreadMs >= 450, "the chunks came over " + spreadMs + " ms");
    }

    @Test
    void shouldPaceEveryStreamByTheGlobalChunkDelay() throws Exception {
        try (ProviderSimulator paced = ProviderSimulator.start(
                SimulatorOptions.defaults().withChunkDelay(Duration.ofMillis(80)))) {
            SimClient pacedClient = new SimClient(paced.baseUrl());

            List<SseReader.Event> events = SseReader.readAll(pacedClient.stream(pacedClient.chat(STREAM)
                    .header("x-sim-completion-tokens", "2")).body());

            assertEquals(5, events.size());
            long spreadMs = (events.get(4).arrivedAt() - events.get(0).arrivedAt()) / 1_000_000;
            assertTrue(spreadMs >= 300, "the chunks came over " + spreadMs + " ms");
        }
    }

    @Test
    void shouldDropTheConnectionAfterTheRequestedNumberOfChunks() throws Exception {
        HttpResponse<InputStream> response = client.stream(client.chat(STREAM_WITH_USAGE)
                .header("x-sim-abort-after-chunks", "2"));
        List<SseReader.Event> received = new ArrayList<>();

        assertEquals(200, response.statusCode());
        assertThrows(IOException.class, () -> SseReader.read(response.body(), received));
        assertEquals(2, received.size(), "the chunks sent before the cut arrive");
        assertFalse(received.stream().anyMatch(event -> event.data().equals("[DONE]")));
    }

    @Test
    void shouldRefuseStreamOptionsWithoutStream() throws Exception {
        HttpResponse<String> response = client.send(client.chat("""
                {"model":"gpt-4o-mini","stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Hi"}]}"""));

        assertEquals(400, response.statusCode());
        assertEquals("stream_options", json(response).at("/error/param").asText());
    }

    @Test
    void shouldRefuseAMalformedChunkDelay() throws Exception {
        HttpResponse<String> response = client.send(client.chat(STREAM).header("x-sim-chunk-delay-ms", "soon"));

        assertEquals(400, response.statusCode());
        assertTrue(json(response).at("/error/message").asText().contains("x-sim-chunk-delay-ms"));
        assertNull(response.headers().firstValue("content-type").filter(type -> type.contains("event-stream"))
                .orElse(null));
    }
}
