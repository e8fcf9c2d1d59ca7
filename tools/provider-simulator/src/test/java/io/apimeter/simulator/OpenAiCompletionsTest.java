package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiCompletionsTest extends SimulatorTest {

    private static final String PROMPT = "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Say this is a test\"";

    @Test
    void shouldAnswerATextCompletionWithDerivedUsage() throws Exception {
        HttpResponse<String> response = client.send(client.openAi("/completions", PROMPT + ",\"max_tokens\":7}"));

        assertEquals(200, response.statusCode());
        JsonNode body = json(response);
        assertTrue(body.get("id").asText().startsWith("cmpl-sim-"), body.toString());
        assertEquals("text_completion", body.get("object").asText());
        assertEquals("gpt-3.5-turbo-instruct", body.get("model").asText());
        JsonNode choice = body.at("/choices/0");
        assertEquals(0, choice.get("index").asInt());
        assertTrue(choice.get("logprobs").isNull());
        assertEquals("stop", choice.get("finish_reason").asText());
        assertEquals(7, choice.get("text").asText().split(" ").length);
        // "Say this is a test" = 18 characters -> 5 tokens.
        assertEquals(5, body.at("/usage/prompt_tokens").asLong());
        assertEquals(7, body.at("/usage/completion_tokens").asLong());
        assertEquals(12, body.at("/usage/total_tokens").asLong());
    }

    @Test
    void shouldStreamTextPiecesWithoutUsageUnlessAsked() throws Exception {
        List<SseReader.Event> events = SseReader.readAll(client.stream(
                client.openAi("/completions", PROMPT + ",\"stream\":true}")).body());

        assertEquals("[DONE]", events.get(events.size() - 1).data());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(SseReader.Event::json).toList();
        assertTrue(chunks.size() > 2, "several text pieces and a final chunk");
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            assertEquals("text_completion", chunk.get("object").asText());
            assertEquals(1, chunk.get("choices").size(), "no usage chunk without include_usage");
            assertTrue(chunk.get("usage").isNull());
            text.append(chunk.at("/choices/0/text").asText());
        }
        assertEquals("stop", chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText());
        assertEquals(16, text.toString().split(" ").length);
    }

    @Test
    void shouldEndTheStreamWithAUsageChunkWhenIncludeUsageIsAsked() throws Exception {
        List<SseReader.Event> events = SseReader.readAll(client.stream(client.openAi("/completions",
                        PROMPT + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                .header("x-sim-prompt-tokens", "50")
                .header("x-sim-completion-tokens", "3")).body());

        assertEquals("[DONE]", events.get(events.size() - 1).data());
        JsonNode usageChunk = events.get(events.size() - 2).json();
        assertEquals(0, usageChunk.get("choices").size());
        assertEquals(50, usageChunk.at("/usage/prompt_tokens").asLong());
        assertEquals(3, usageChunk.at("/usage/completion_tokens").asLong());
        assertEquals(53, usageChunk.at("/usage/total_tokens").asLong());
        assertEquals("stop", events.get(events.size() - 3).json().at("/choices/0/finish_reason").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"prompt\":\"Hi\"}",
            "{\"model\":\"gpt-3.5-turbo-instruct\"}",
            "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":{\"text\":\"Hi\"}}",
            "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Hi\",\"max_tokens\":-2}",
            "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Hi\",\"stream_options\":{\"include_usage\":true}}"})
    void shouldRejectAnInvalidBodyInOpenAiErrorFormat(String body) throws Exception {
        HttpResponse<String> response = client.send(client.openAi("/completions", body));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request_error", json(response).at("/error/type").asText());
    }
}
