package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiResponsesTest extends SimulatorTest {

    private static final String HELLO = "{\"model\":\"gpt-4.1\",\"input\":\"Hello there\"}";

    @Test
    void shouldAnswerAResponseObjectWithTheUsageNamedInHeaders() throws Exception {
        HttpResponse<String> response = client.send(client.openAi("/responses", HELLO)
                .header("x-sim-prompt-tokens", "900")
                .header("x-sim-completion-tokens", "40")
                .header("x-sim-cached-tokens", "512")
                .header("x-sim-reasoning-tokens", "25"));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("x-request-id").orElseThrow().startsWith("req_sim_"));
        JsonNode body = json(response);
        assertTrue(body.get("id").asText().startsWith("resp_sim_"), body.toString());
        assertEquals("response", body.get("object").asText());
        assertEquals("completed", body.get("status").asText());
        assertEquals("gpt-4.1", body.get("model").asText());
        assertTrue(body.get("created_at").asLong() > 1_700_000_000L);
        assertTrue(body.get("error").isNull());
        assertEquals("auto", body.get("tool_choice").asText());
        JsonNode message = body.at("/output/0");
        assertEquals("message", message.get("type").asText());
        assertTrue(message.get("id").asText().startsWith("msg_"));
        assertEquals("completed", message.get("status").asText());
        assertEquals("assistant", message.get("role").asText());
        assertEquals("output_text", message.at("/content/0/type").asText());
        assertEquals(0, message.at("/content/0/annotations").size());
        assertEquals(40, message.at("/content/0/text").asText().split(" ").length);
        JsonNode usage = body.get("usage");
        assertEquals(900, usage.get("input_tokens").asLong());
        assertEquals(512, usage.at("/input_tokens_details/cached_tokens").asLong());
        assertEquals(40, usage.get("output_tokens").asLong());
        assertEquals(25, usage.at("/output_tokens_details/reasoning_tokens").asLong());
        assertEquals(940, usage.get("total_tokens").asLong());
    }

    @Test
    void shouldDeriveTheUsageFromTheInputWhenNoHeaderNamesIt() throws Exception {
        JsonNode fromString = json(client.send(client.openAi("/responses", HELLO)));
        JsonNode fromItems = json(client.send(client.openAi("/responses", """
                {"model":"gpt-4.1","instructions":"Be brief.","max_output_tokens":9,
                 "input":[{"role":"user","content":[{"type":"input_text","text":"Hello there"}]}]}""")));

        assertEquals(7, fromString.at("/usage/input_tokens").asLong(), "\"Hello there\": 3 + 4");
        assertEquals(16, fromString.at("/usage/output_tokens").asLong());
        assertEquals(0, fromString.at("/usage/input_tokens_details/cached_tokens").asLong());
        assertEquals(14, fromItems.at("/usage/input_tokens").asLong(), "item 3 + 4, instructions 3 + 4");
        assertEquals(9, fromItems.at("/usage/output_tokens").asLong(), "capped by max_output_tokens");
        assertEquals("Be brief.", fromItems.get("instructions").asText());
        assertEquals(9, fromItems.get("max_output_tokens").asLong());
    }

    @Test
    void shouldStreamTypedEventsEndingWithTheCompletedResponseAndItsUsage() throws Exception {
        HttpResponse<InputStream> response = client.stream(client.openAi("/responses",
                "{\"model\":\"gpt-4.1\",\"input\":\"Hi\",\"stream\":true}")
                .header("x-sim-prompt-tokens", "30")
                .header("x-sim-completion-tokens", "5"));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<SseReader.Event> events = SseReader.readAll(response.body());
        List<String> types = events.stream().map(SseReader.Event::type).toList();
        List<String> expected = new ArrayList<>(List.of("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added"));
        for (int i = 0; i < 5; i++) {
            expected.add("response.output_text.delta");
        }
        expected.addAll(List.of("response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed"));
        assertEquals(expected, types);

        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i).json();
            assertEquals(events.get(i).type(), event.get("type").asText(), "data names its event type");
            assertEquals(i, event.get("sequence_number").asInt());
        }
        JsonNode created = events.get(0).json().get("response");
        assertEquals("in_progress", created.get("status").asText());
        assertTrue(created.get("usage").isNull());
        String text = events.stream().filter(event -> "response.output_text.delta".equals(event.type()))
                .map(event -> event.json().get("delta").asText()).reduce("", String::concat);
        assertEquals(text, events.get(9).json().get("text").asText());
        JsonNode completed = events.get(events.size() - 1).json().get("response");
        assertEquals("completed", completed.get("status").asText());
        assertEquals(created.get("id"), completed.get("id"));
        assertEquals(text, completed.at("/output/0/content/0/text").asText());
        assertEquals(30, completed.at("/usage/input_tokens").asLong());
        assertEquals(5, completed.at("/usage/output_tokens").asLong());
        assertEquals(35, completed.at("/usage/total_tokens").asLong());
        assertNull(events.stream().filter(event -> "[DONE]".equals(event.data())).findAny().orElse(null),
                "the Responses API sends no [DONE]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"gpt-4.1\"}",
            "{\"input\":\"Hi\"}",
            "{\"model\":\"gpt-4.1\",\"input\":42}",
            "{\"model\":\"gpt-4.1\",\"input\":[\"Hi\"]}",
            "{\"model\":\"gpt-4.1\",\"input\":\"Hi\",\"max_output_tokens\":0}",
            "{\"model\":\"gpt-4.1\",\"input\":\"Hi\",\"stream\":\"yes\"}"})
    void shouldRejectAnInvalidBodyInOpenAiErrorFormat(String body) throws Exception {
        HttpResponse<String> response = client.send(client.openAi("/responses", body));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request_error", json(response).at("/error/type").asText());
        assertTrue(json(response).at("/error/param").isTextual(), response.body());
    }

    @Test
    void shouldRefuseARequestWithoutApiKey() throws Exception {
        HttpResponse<String> response = client.send(client.post("/openai/v1/responses", HELLO));

        assertEquals(401, response.statusCode());
        assertEquals("invalid_api_key", json(response).at("/error/code").asText());
    }
}
