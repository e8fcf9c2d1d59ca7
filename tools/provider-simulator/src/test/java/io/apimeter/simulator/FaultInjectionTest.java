package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultInjectionTest extends SimulatorTest {

    private static final String HELLO = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @ParameterizedTest
    @CsvSource({
            "429, requests, rate_limit_exceeded",
            "500, server_error, server_error",
            "503, server_error, service_unavailable",
            "400, invalid_request_error, "})
    void shouldAnswerWithTheInjectedStatusInOpenAiErrorFormat(int status, String type, String code) throws Exception {
        HttpResponse<String> response = client.send(client.chat(HELLO).header("x-sim-status", String.valueOf(status)));

        assertEquals(status, response.statusCode());
        JsonNode error = json(response).get("error");
        assertEquals(type, error.get("type").asText());
        assertEquals(code, error.get("code").isNull() ? null : error.get("code").asText());
        assertTrue(json(response).get("usage") == null, "an error carries no usage");
    }

    @Test
    void shouldRejectAnInjectedStatusOutsideTheErrorRange() throws Exception {
        HttpResponse<String> response = client.send(client.chat(HELLO).header("x-sim-status", "200"));

        assertEquals(400, response.statusCode());
        assertTrue(json(response).at("/error/message").asText().contains("x-sim-status"));
    }

    @Test
    void shouldDelayTheAnswerByTheRequestedLatency() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = client.send(client.chat(HELLO).header("x-sim-latency-ms", "300"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(200, response.statusCode());
        assertTrue(elapsedMs >= 300, "answered after " + elapsedMs + " ms");
    }

    @Test
    void shouldDropTheConnectionWithoutAnswerWhenAskedToClose() {
        assertThrows(IOException.class, () -> client.send(client.chat(HELLO).header("x-sim-close", "true")));
    }

    @Test
    void shouldApplyTheGlobalLatency() throws Exception {
        try (ProviderSimulator slow = ProviderSimulator.start(
                SimulatorOptions.defaults().withLatency(Duration.ofMillis(250)))) {
            SimClient slowClient = new SimClient(slow.baseUrl());

            long started = System.nanoTime();
            assertEquals(200, slowClient.send(slowClient.chat(HELLO)).statusCode());
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;

            assertTrue(elapsedMs >= 250, "answered after " + elapsedMs + " ms");
        }
    }

    @Test
    void shouldInjectTheSameErrorsInTheSameOrderForTheSameSeed() throws Exception {
        SimulatorOptions options = SimulatorOptions.defaults().withErrorRate(0.5).withSeed(42);

        List<Integer> firstRun = statuses(options, 30);
        List<Integer> secondRun = statuses(options, 30);

        assertEquals(firstRun, secondRun);
        assertTrue(firstRun.contains(200) && firstRun.contains(500), firstRun.toString());
        assertTrue(firstRun.stream().allMatch(status -> status == 200 || status == 500), firstRun.toString());
    }

    @Test
    void shouldFailEveryRequestWithAServerErrorAtErrorRateOne() throws Exception {
        try (ProviderSimulator failing = ProviderSimulator.start(SimulatorOptions.defaults().withErrorRate(1.0))) {
            SimClient failingClient = new SimClient(failing.baseUrl());

            HttpResponse<String> response = failingClient.send(failingClient.chat(HELLO));

            assertEquals(500, response.statusCode());
            assertEquals("server_error", json(response).at("/error/type").asText());
        }
    }

    private static List<Integer> statuses(SimulatorOptions options, int requests) throws Exception {
        try (ProviderSimulator run = ProviderSimulator.start(options)) {
            SimClient runClient = new SimClient(run.baseUrl());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                statuses.add(runClient.send(runClient.chat(HELLO)).statusCode());
            }
            return statuses;
        }
    }
}
