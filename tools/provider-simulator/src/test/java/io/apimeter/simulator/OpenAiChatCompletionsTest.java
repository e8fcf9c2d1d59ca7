package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiChatCompletionsTest {

    private static final String HELLO = """
            {"model":"gpt-4-0613","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":"Hello there"}]}""";

    private static ProviderSimulator simulator;
    private static SimClient client;

    @BeforeAll
    static void start() {
        simulator = ProviderSimulator.start(SimulatorOptions.defaults());
        client = new SimClient(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void forgetRequests() {
        simulator.clearRequests();
    }

    @Test
    void shouldReportExactlyTheUsageNamedInHeaders() throws Exception {
        HttpResponse<String> response = client.send(client.chat(HELLO)
                .header("x-sim-prompt-tokens", "1234")
                .header("x-sim-completion-tokens", "567")
                .header("x-sim-cached-tokens", "200")
                .header("x-sim-reasoning-tokens", "300"));

        assertEquals(200, response.statusCode());
        JsonNode usage = json(response).get("usage");
        assertEquals(1234, usage.get("prompt_tokens").asLong());
        assertEquals(567, usage.get("completion_tokens").asLong());
        assertEquals(1801, usage.get("total_tokens").asLong());
        assertEquals(200, usage.at("/prompt_tokens_details/cached_tokens").asLong());
        assertEquals(0, usage.at("/prompt_tokens_details/audio_tokens").asLong());
        assertEquals(300, usage.at("/completion_tokens_details/reasoning_tokens").asLong());
        assertEquals(0, usage.at("/completion_tokens_details/accepted_prediction_tokens").asLong());
    }

    @Test
    void shouldAnswerAChatCompletionWithDeterministicDefaultUsage() throws Exception {
        HttpResponse<String> first = client.send(client.chat(HELLO));
        HttpResponse<String> second = client.send(client.chat(HELLO));

        assertEquals(200, first.statusCode());
        assertEquals("application/json", first.headers().firstValue("content-type").orElseThrow());
        JsonNode completion = json(first);
        assertTrue(completion.get("id").asText().startsWith("chatcmpl-sim-"), completion.toString());
        assertEquals("chat.completion", completion.get("object").asText());
        assertEquals("gpt-4-0613", completion.get("model").asText());
        assertEquals("fp_sim", completion.get("system_fingerprint").asText());
        assertTrue(completion.get("created").asLong() > 1_700_000_000L);
        JsonNode choice = completion.at("/choices/0");
        assertEquals("assistant", choice.at("/message/role").asText());
        assertTrue(choice.at("/message/refusal").isNull());
        assertTrue(choice.get("logprobs").isNull());
        assertEquals("stop", choice.get("finish_reason").asText());
        // "You are terse." = 14 chars -> 4 + 4; "Hello there" = 11 chars -> 3 + 4.
        assertEquals(15, completion.at("/usage/prompt_tokens").asLong());
        assertEquals(16, completion.at("/usage/completion_tokens").asLong());
        assertEquals(31, completion.at("/usage/total_tokens").asLong());

        JsonNode again = json(second);
        assertEquals(completion.get("usage"), again.get("usage"));
        assertEquals(choice.at("/message/content"), again.at("/choices/0/message/content"));
        assertTrue(!completion.get("id").equals(again.get("id")), "each completion has its own id");
    }

    @Test
    void shouldCapDefaultCompletionTokensAtMaxTokens() throws Exception {
        JsonNode completion = json(client.send(client.chat("""
                {"model":"gpt-3.5-turbo","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""")));

        assertEquals(5, completion.at("/usage/completion_tokens").asLong());
        assertEquals(5, completion.at("/usage/prompt_tokens").asLong());
    }

    @Test
    void shouldRefuseARequestWithoutApiKey() throws Exception {
        HttpResponse<String> response = client.send(client.post(SimClient.CHAT, HELLO));

        assertEquals(401, response.statusCode());
        JsonNode error = json(response).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("invalid_api_key", error.get("code").asText());
        assertTrue(error.get("param").isNull());
        assertTrue(error.get("message").asText().contains("API key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "[]",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
            "{\"model\":\"gpt-4\"}",
            "{\"model\":\"gpt-4\",\"messages\":[]}",
            "{\"model\":\"gpt-4\",\"messages\":\"Hi\"}",
            "{\"model\":\"gpt-4\",\"messages\":[{\"content\":\"Hi\"}]}",
            "{\"model\":\"gpt-4\",\"max_tokens\":\"many\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"})
    void shouldRejectAnInvalidBodyInOpenAiErrorFormat(String body) throws Exception {
        HttpResponse<String> response = client.send(client.chat(body));

        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = json(response).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertTrue(error.get("code").isNull());
        assertTrue(error.get("message").asText().length() > 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "ten", "1.5", ""})
    void shouldRejectAnInvalidUsageHeader(String value) throws Exception {
        HttpResponse<String> response = client.send(client.chat(HELLO).header("x-sim-completion-tokens", value));

        assertEquals(400, response.statusCode());
        assertTrue(json(response).at("/error/message").asText().contains("x-sim-completion-tokens"));
    }

    @Test
    void shouldRecordTheRequestAsTheCallerSentIt() throws Exception {
        client.send(client.chat(HELLO).setHeader("Authorization", "Bearer sk-customer-42").header("X-Trace", "t1"));

        List<RecordedRequest> requests = simulator.requests();
        assertEquals(1, requests.size());
        RecordedRequest recorded = requests.get(0);
        assertEquals("POST", recorded.method());
        assertEquals(SimClient.CHAT, recorded.path());
        assertEquals("Bearer sk-customer-42", recorded.headers().get("authorization"));
        assertEquals("t1", recorded.headers().get("x-trace"));
        assertEquals(HELLO, recorded.body());

        JsonNode overHttp = json(client.send(client.request("/_sim/requests").GET()));
        assertEquals(1, overHttp.size(), "control requests are not recorded");
        assertEquals("Bearer sk-customer-42", overHttp.at("/0/headers/authorization").asText());
        assertTrue(overHttp.at("/0/receivedAt").asText().endsWith("Z"));

        assertEquals(204, client.send(client.request("/_sim/requests").DELETE()).statusCode());
        assertTrue(simulator.requests().isEmpty());
    }

    @Test
    void shouldAnswerHealthAndUnknownRoutesWithJson() throws Exception {
        HttpResponse<String> health = client.send(client.request("/_sim/health").GET());
        assertEquals(200, health.statusCode());
        assertEquals("UP", json(health).get("status").asText());

        HttpResponse<String> unknown = client.send(client.request("/nowhere").GET());
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", json(unknown).get("code").asText());

        HttpResponse<String> unknownOpenAi = client.send(client.request("/openai/v1/nowhere").GET());
        assertEquals(404, unknownOpenAi.statusCode());
        assertEquals("invalid_request_error", json(unknownOpenAi).at("/error/type").asText());
    }
}
