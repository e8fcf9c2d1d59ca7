package io.apimeter.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.Outcome;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streamed OpenAI calls pass through as they come and are metered from the usage the stream reports. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class OpenAiStreamingTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/openai/v1")
    URL baseUrl;

    private HttpRequest.Builder request(String path, String apiKey, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("x-sim-prompt-tokens", "250").header("x-sim-completion-tokens", "40")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static List<String> dataLines(HttpResponse<InputStream> response) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data:")) {
                    lines.add(line.substring(5).trim());
                }
            }
        }
        return lines;
    }

    @Test
    void shouldMeterAStreamedChatFromItsUsageChunkAndPassTheChunkToAClientThatAskedForIt() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<InputStream> response = HTTP.send(request("/chat/completions", tenant.apiKey(),
                "{\"model\":\"gpt-4\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> data = dataLines(response);
        assertEquals("[DONE]", data.get(data.size() - 1));
        assertTrue(data.stream().anyMatch(d -> d.contains("\"prompt_tokens\":250")), "the client gets the usage chunk");
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(Outcome.SUCCESS, event.outcome());
        assertEquals(250, event.usage().inputTokens());
        assertEquals(40, event.usage().outputTokens());
        assertFalse(event.usage().estimated());
        assertTrue(event.cost().amount().signum() > 0, "a streamed call is never free: " + event.cost());
    }

    @Test
    void shouldAskForUsageOnBehalfOfAClientThatDidNotAndKeepTheUsageChunkFromIt() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<InputStream> response = HTTP.send(request("/chat/completions", tenant.apiKey(),
                "{\"model\":\"gpt-3.5-turbo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = dataLines(response);
        assertEquals("[DONE]", data.get(data.size() - 1));
        assertFalse(data.stream().anyMatch(d -> d.contains("\"prompt_tokens\"")), "no usage chunk the client did not ask for");
        assertTrue(data.size() > 2, "the content chunks still arrive");
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(250, event.usage().inputTokens());
        assertEquals(40, event.usage().outputTokens());
        assertTrue(SimulatorTestResource.simulator().requests().stream()
                .anyMatch(r -> r.body().contains("\"include_usage\":true")
                        && ("Bearer " + tenant.providerKey()).equals(r.headers().get("authorization"))),
                "the gateway asked the provider for the usage chunk");
    }

    @Test
    void shouldMeterLegacyCompletionsStreamedOrNot() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<String> whole = HTTP.send(request("/completions", tenant.apiKey(),
                "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Say this is a test\"}").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, whole.statusCode());
        assertTrue(whole.body().contains("\"text_completion\""), whole.body());
        HttpResponse<InputStream> streamed = HTTP.send(request("/completions", tenant.apiKey(),
                "{\"model\":\"gpt-3.5-turbo-instruct\",\"stream\":true,\"prompt\":\"Say this is a test\"}").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = dataLines(streamed);
        assertEquals("[DONE]", data.get(data.size() - 1));
        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 2);
        assertEquals(2, events.size());
        for (UsageEvent event : events) {
            assertEquals("completions", event.operation());
            assertEquals(250, event.usage().inputTokens());
            assertEquals(40, event.usage().outputTokens());
        }
    }

    @Test
    void shouldMeterAStreamedResponseFromItsCompletedEvent() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<InputStream> response = HTTP.send(request("/responses", tenant.apiKey(),
                "{\"model\":\"gpt-4\",\"stream\":true,\"input\":\"Write a haiku\"}").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = dataLines(response);
        assertTrue(data.stream().anyMatch(d -> d.contains("response.completed")));
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals("responses", event.operation());
        assertEquals(250, event.usage().inputTokens());
        assertEquals(40, event.usage().outputTokens());
    }

    @Test
    void shouldPassChunksOnAsTheyComeNotAtTheEnd() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<InputStream> response = HTTP.send(request("/chat/completions", tenant.apiKey(),
                "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .header("x-sim-chunk-delay-ms", "150").build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            long firstAt = System.nanoTime();
            assertTrue(first.startsWith("data:"), first);
            int rest = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data:")) {
                    rest++;
                }
            }
            long afterFirstMs = (System.nanoTime() - firstAt) / 1_000_000;
            assertTrue(rest >= 2, "several chunks follow the first");
            // Buffered, every chunk would arrive at once; relayed, the later ones arrive as the provider sends them.
            assertTrue(afterFirstMs >= 150L * (rest - 1) / 2, "the rest came " + afterFirstMs + " ms after the first");
        }
    }

    /** The bytes of the stream up to and with the first {@code end} (the blank line that ends the first event). */
    private static String readThrough(InputStream in, String end) throws Exception {
        StringBuilder read = new StringBuilder();
        while (!read.toString().endsWith(end)) {
            int b = in.read();
            assertTrue(b >= 0, "the stream ended before " + end.replace("\r", "\\r") + ": " + read);
            read.append((char) b);
        }
        return read.toString();
    }

    @Test
    void shouldPassACrlfStreamOnEventByEventAndMeterItFromItsUsageChunk() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<InputStream> response = HTTP.send(request("/chat/completions", tenant.apiKey(),
                "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .setHeader("x-sim-completion-tokens", "6").header("x-sim-line-ending", "crlf")
                .header("x-sim-chunk-delay-ms", "150").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (InputStream in = response.body()) {
            String first = readThrough(in, "\r\n\r\n");
            long firstAt = System.nanoTime();
            assertTrue(first.startsWith("data: {"), first);
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long afterFirstMs = (System.nanoTime() - firstAt) / 1_000_000;
            int events = rest.split("\r\n\r\n").length;
            assertTrue(events >= 6, "the content chunks follow the first: " + rest);
            // Buffered until the end, every event would arrive at once; relayed, as the provider sends them.
            assertTrue(afterFirstMs >= 150L * (events - 1) / 2, "the rest came " + afterFirstMs + " ms after the first");
            assertTrue(rest.endsWith("}\r\n\r\ndata: [DONE]\r\n\r\n"), "the provider's bytes as they came: " + rest);
            assertFalse(rest.contains("\"prompt_tokens\""), "no usage chunk the client did not ask for");
        }
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(Outcome.SUCCESS, event.outcome());
        assertEquals(250, event.usage().inputTokens());
        assertEquals(6, event.usage().outputTokens());
        assertFalse(event.usage().estimated(), "read from the stream's usage chunk");
    }

    @Test
    void shouldMeterAStreamedResponseWhoseLinesEndWithCr() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<String> response = HTTP.send(request("/responses", tenant.apiKey(),
                "{\"model\":\"gpt-4\",\"stream\":true,\"input\":\"Write a haiku\"}")
                .header("x-sim-line-ending", "cr").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertFalse(response.body().contains("\n"), "the provider's line endings reach the client");
        assertTrue(response.body().contains("response.completed"));
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(250, event.usage().inputTokens());
        assertEquals(40, event.usage().outputTokens());
        assertFalse(event.usage().estimated());
    }

    @Test
    void shouldMeterAClientThatGoesAwayMidStreamWithEstimatedTokens() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        String body = "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Please write a long essay about the history of the printing press\"}]}";
        // A plain socket, closed after the first bytes: the way a client app that crashes or hangs up goes away.
        try (Socket socket = new Socket(baseUrl.getHost(), baseUrl.getPort())) {
            String request = "POST " + baseUrl.getPath() + "/chat/completions HTTP/1.1\r\n"
                    + "Host: " + baseUrl.getHost() + ":" + baseUrl.getPort() + "\r\n"
                    + "Authorization: Bearer " + tenant.apiKey() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "x-sim-chunk-delay-ms: 300\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            byte[] first = new byte[64];
            assertTrue(socket.getInputStream().read(first) > 0, "the stream started");
        }
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(Outcome.CLIENT_ABORTED, event.outcome());
        assertTrue(event.usage().estimated(), "counted by the gateway, not reported by the provider");
        assertTrue(event.usage().inputTokens() >= 10, "the prompt was counted: " + event.usage());
        assertTrue(event.cost().amount().signum() > 0, "an aborted call is not free: " + event.cost());
    }

    @Test
    void shouldMeterAStreamTheProviderBreaksOffWithEstimatedTokens() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        HttpResponse<InputStream> response = HTTP.send(request("/chat/completions", tenant.apiKey(),
                "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}")
                .header("x-sim-abort-after-chunks", "3").build(), HttpResponse.BodyHandlers.ofInputStream());
        try {
            dataLines(response);
        } catch (java.io.IOException expected) {
            // the provider broke the stream off; the gateway passes the break on
        }
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(Outcome.PROVIDER_ERROR, event.outcome());
        assertTrue(event.usage().estimated());
        assertTrue(event.usage().inputTokens() > 0);
    }
}
