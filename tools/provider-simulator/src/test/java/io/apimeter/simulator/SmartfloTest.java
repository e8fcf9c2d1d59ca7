package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmartfloTest {

    private static final String CLICK_TO_CALL = "/smartflo/v1/click_to_call";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private static ProviderSimulator simulator;
    private static SimClient client;
    /** A stand-in for the gateway's CDR webhook: keeps what it receives, answers 202. */
    private static HttpServer webhook;
    private static final BlockingQueue<String[]> DELIVERED = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        simulator = ProviderSimulator.start();
        client = new SimClient(simulator.baseUrl());
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/smartflo/webhooks/cdr", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            DELIVERED.add(new String[] {new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Webhook-Token"),
                    exchange.getRequestHeaders().getFirst("Content-Type")});
            byte[] answer = "{\"accepted\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        webhook.start();
    }

    @AfterAll
    static void stop() {
        webhook.stop(0);
        simulator.close();
    }

    private static HttpRequest.Builder clickToCall(String body) {
        return client.post(CLICK_TO_CALL, body).header("Authorization", "Bearer sf-token");
    }

    private static String placeCall() throws Exception {
        HttpResponse<String> response = client.send(clickToCall("""
                {"agent_number":"0501234567","destination_number":"919876543210","caller_id":"918000000000"}"""));
        assertEquals(200, response.statusCode(), response.body());
        return json(response).get("call_id").asText();
    }

    @Test
    void shouldQueueAClickToCallAndNameItsCall() throws Exception {
        HttpResponse<String> response = client.send(clickToCall(
                "{\"agent_number\":\"0501234567\",\"destination_number\":\"919876543210\"}"));

        assertEquals(200, response.statusCode());
        JsonNode body = json(response);
        assertTrue(body.get("success").asBoolean());
        assertEquals("Originate successfully queued", body.get("message").asText());
        assertTrue(body.get("call_id").asText().startsWith("sim-call-"), body.toString());
        assertEquals(simulator.baseUrl() + "/smartflo/v1", simulator.smartfloBaseUrl());
    }

    @Test
    void shouldRefuseACallWithoutBearerToken() throws Exception {
        HttpResponse<String> response = client.send(client.post(CLICK_TO_CALL,
                "{\"agent_number\":\"0501234567\",\"destination_number\":\"919876543210\"}"));

        assertEquals(401, response.statusCode());
        assertEquals("{\"success\":false,\"message\":\"Unauthenticated\"}", response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"destination_number\":\"919876543210\"}", "{\"agent_number\":\"0501234567\"}",
            "{\"agent_number\":\" \",\"destination_number\":\"919876543210\"}", "not json"})
    void shouldAnswer422WhenANumberIsMissing(String body) throws Exception {
        HttpResponse<String> response = client.send(clickToCall(body));

        assertEquals(422, response.statusCode());
        assertEquals(false, json(response).get("success").asBoolean());
        assertTrue(json(response).get("message").asText().length() > 5);
    }

    @Test
    void shouldBuildTheCallEndedRecordOfAPlacedCall() throws Exception {
        String callId = placeCall();

        JsonNode cdr = SimClient.JSON.readTree(simulator.completeCall(callId, 95));

        assertEquals(callId, cdr.get("call_id").asText());
        assertEquals(36, cdr.get("uuid").asText().length());
        assertEquals("answered", cdr.get("call_status").asText());
        assertEquals(95, cdr.get("billsec").asLong());
        assertEquals(100, cdr.get("duration").asLong(), "billsec + 5 s of ringing");
        assertEquals("0501234567", cdr.get("agent_number").asText());
        assertEquals("919876543210", cdr.get("destination_number").asText());
        assertEquals("918000000000", cdr.get("caller_id_number").asText());
        LocalDateTime start = LocalDateTime.parse(cdr.get("start_stamp").asText(), STAMP);
        LocalDateTime end = LocalDateTime.parse(cdr.get("end_stamp").asText(), STAMP);
        assertEquals(100, Duration.between(start, end).toSeconds());
        assertEquals(cdr.get("uuid"), SimClient.JSON.readTree(simulator.completeCall(callId, 95)).get("uuid"),
                "a resent record names the same call");
    }

    @Test
    void shouldRefuseToCompleteAnUnknownCall() {
        assertThrows(IllegalArgumentException.class, () -> simulator.completeCall("sim-call-999999", 10));
    }

    @Test
    void shouldPostTheRecordToTheWebhookAndAnswerWithItsStatus() throws Exception {
        String callId = placeCall();
        String url = webhookUrl();

        HttpResponse<String> response = client.send(client.post("/_sim/smartflo/calls/" + callId + "/complete"
                + "?billsec=61&webhook=" + URLEncoder.encode(url, StandardCharsets.UTF_8)
                + "&header=" + URLEncoder.encode("X-Webhook-Token: secret-1", StandardCharsets.UTF_8), ""));

        assertEquals(202, response.statusCode(), response.body());
        JsonNode answer = json(response);
        assertEquals(202, answer.get("webhookStatus").asInt());
        assertEquals("{\"accepted\":true}", answer.get("webhookBody").asText());
        String[] delivered = DELIVERED.poll(5, TimeUnit.SECONDS);
        JsonNode cdr = SimClient.JSON.readTree(delivered[0]);
        assertEquals(callId, cdr.get("call_id").asText());
        assertEquals(61, cdr.get("billsec").asLong());
        assertEquals("919876543210", cdr.get("destination_number").asText());
        assertEquals("secret-1", delivered[1]);
        assertEquals("application/json", delivered[2]);
        assertEquals(cdr, answer.get("cdr"));
    }

    @Test
    void shouldAnswerTheRecordWhenNoWebhookIsNamed() throws Exception {
        String callId = placeCall();

        HttpResponse<String> response = client.send(client.post(
                "/_sim/smartflo/calls/" + callId + "/complete?billsec=0", ""));

        assertEquals(200, response.statusCode());
        assertEquals("missed", json(response).at("/cdr/call_status").asText());
        assertEquals(5, json(response).at("/cdr/duration").asLong());
        assertTrue(json(response).get("webhookStatus").isNull());
    }

    @Test
    void shouldExplainWhyACallCannotBeCompleted() throws Exception {
        String callId = placeCall();

        HttpResponse<String> unknown = client.send(client.post("/_sim/smartflo/calls/nope/complete?billsec=1", ""));
        HttpResponse<String> noBillsec = client.send(client.post("/_sim/smartflo/calls/" + callId + "/complete", ""));
        HttpResponse<String> badWebhook = client.send(client.post("/_sim/smartflo/calls/" + callId
                + "/complete?billsec=1&webhook=ftp%3A%2F%2Fexample", ""));
        HttpResponse<String> unreachable = client.send(client.post("/_sim/smartflo/calls/" + callId
                + "/complete?billsec=1&webhook=" + URLEncoder.encode("http://127.0.0.1:1/cdr", StandardCharsets.UTF_8),
                ""));

        assertEquals(404, unknown.statusCode());
        assertEquals("unknown_call", json(unknown).get("code").asText());
        assertEquals(400, noBillsec.statusCode());
        assertEquals(400, badWebhook.statusCode());
        assertEquals(502, unreachable.statusCode());
        assertEquals("webhook_unreachable", json(unreachable).get("code").asText());
    }

    @Test
    void shouldAnswerAnInjectedStatusInSmartfloFormat() throws Exception {
        HttpResponse<String> response = client.send(clickToCall("{}").header("x-sim-status", "503"));

        assertEquals(503, response.statusCode());
        assertEquals(false, json(response).get("success").asBoolean());
        assertEquals("Service Unavailable", json(response).get("message").asText());
    }

    private static String webhookUrl() {
        return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/smartflo/webhooks/cdr";
    }
}
