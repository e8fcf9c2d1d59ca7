package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.smartflo.SmartfloSignature;
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
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst(SmartfloSignature.HEADER)});
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
    void shouldSignTheRecordPostedToTheWebhookWithTheSecretGiven() throws Exception {
        String callId = placeCall();

        HttpResponse<String> response = client.send(client.post("/_sim/smartflo/calls/" + callId + "/complete"
                + "?billsec=42&webhook=" + URLEncoder.encode(webhookUrl(), StandardCharsets.UTF_8)
                + "&secret=" + URLEncoder.encode("whsec_test", StandardCharsets.UTF_8), ""));

        assertEquals(202, response.statusCode(), response.body());
        String[] delivered = DELIVERED.poll(5, TimeUnit.SECONDS);
        assertEquals(SmartfloSignature.sign("whsec_test", delivered[0]), delivered[3]);
        assertTrue(delivered[3].matches("sha256=[0-9a-f]{64}"), delivered[3]);
        // HMAC-SHA256 of "" under "key" (RFC 4231-style check of the hex form)
        assertEquals("sha256=5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0",
                SmartfloSignature.sign("key", ""));
        HttpResponse<String> withoutWebhook = client.send(client.post("/_sim/smartflo/calls/" + callId
                + "/complete?billsec=1&secret=s", ""));
        assertEquals(400, withoutWebhook.statusCode());
    }

    @Test
    void shouldKeepTheRecordOfAnEndedCallForTheCallRecordsApi() throws Exception {
        String callId = placeCall();
        HttpResponse<String> ongoing = client.send(records("?call_id=" + callId));
        assertEquals(200, ongoing.statusCode(), ongoing.body());
        assertEquals(0, json(ongoing).get("count").asInt(), "a call still going on has no record");
        assertEquals(0, json(ongoing).get("results").size());

        simulator.completeCall(callId, 95);
        JsonNode page = json(client.send(records("?call_id=" + callId)));
        assertEquals(1, page.get("count").asInt());
        assertEquals(1, page.get("size").asInt());
        assertEquals(1, page.get("page").asInt());
        assertEquals(20, page.get("limit").asInt());
        JsonNode record = page.get("results").get(0);
        assertEquals(callId, record.get("call_id").asText());
        assertEquals("answered", record.get("status").asText());
        assertEquals(95, record.get("answered_seconds").asLong());
        assertEquals(100, record.get("call_duration").asLong());
        assertEquals("919876543210", record.get("client_number").asText());
        assertTrue(record.get("recording_url").isNull());

        // A corrected record replaces the one kept.
        client.send(client.post("/_sim/smartflo/calls/" + callId + "/complete?billsec=0", ""));
        JsonNode corrected = json(client.send(records("?call_id=" + callId))).get("results").get(0);
        assertEquals(0, corrected.get("answered_seconds").asLong());
        assertEquals("missed", corrected.get("status").asText());

        String other = placeCall();
        simulator.completeCall(other, 7);
        JsonNode all = json(client.send(records("?limit=1")));
        assertTrue(all.get("count").asInt() >= 2, all.toString());
        assertEquals(other, all.get("results").get(0).get("call_id").asText(), "the last ended first");
    }

    @Test
    void shouldRefuseCallRecordsWithoutTokenOrWithABadPage() throws Exception {
        HttpResponse<String> noToken = client.send(client.request("/smartflo/v1/call/records").GET());
        assertEquals(401, noToken.statusCode());
        assertEquals("{\"success\":false,\"message\":\"Unauthenticated\"}", noToken.body());
        assertEquals(422, client.send(records("?limit=0")).statusCode());
        assertEquals(422, client.send(records("?page=x")).statusCode());
    }

    private static HttpRequest.Builder records(String query) {
        return client.request("/smartflo/v1/call/records" + query).GET().header("Authorization", "Bearer sf-token");
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
