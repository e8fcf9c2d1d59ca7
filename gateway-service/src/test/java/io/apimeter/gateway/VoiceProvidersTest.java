package io.apimeter.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.UsageEvent;
import io.apimeter.events.UsageKind;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ElevenLabs text to speech and Smartflo calls, metered in characters and billed seconds. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class VoiceProvidersTest {

    @TestHTTPResource("/smartflo/webhooks/cdr")
    URL webhooks;

    @Test
    void shouldMeterTextToSpeechInTheCharactersElevenLabsReports() {
        var tenant = GatewayTestSupport.newTenant();
        String providerKey = GatewayTestSupport.storeCredential(tenant.customerId(), "elevenlabs");
        byte[] audio = given().contentType(ContentType.JSON).header("xi-api-key", tenant.apiKey())
                .header("x-sim-character-cost", "42")
                .body(Map.of("text", "Hello from the gateway", "model_id", "eleven_multilingual_v2"))
                .post("/elevenlabs/v1/text-to-speech/voice1?output_format=mp3_44100_128")
                .then().statusCode(200).header("character-cost", "42").contentType("audio/mpeg")
                .extract().asByteArray();
        assertEquals(64 * "Hello from the gateway".length(), audio.length, "the audio comes through whole");
        assertTrue(SimulatorTestResource.simulator().requests().stream().anyMatch(r ->
                providerKey.equals(r.headers().get("xi-api-key")) && r.query() != null
                        && r.query().contains("output_format=mp3_44100_128")));
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(Provider.ELEVENLABS, event.provider());
        assertEquals("text-to-speech", event.operation());
        assertEquals(42, event.usage().characters());
        assertFalse(event.usage().estimated());
        // 42 characters at $0.30 per 10K characters
        assertEquals(0, new BigDecimal("0.00126").compareTo(event.cost().amount()), event.cost().toString());
    }

    @Test
    void shouldStreamSpeechThrough() {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "elevenlabs");
        String text = "A streamed sentence of speech";
        byte[] audio = given().contentType(ContentType.JSON).header("xi-api-key", tenant.apiKey())
                .body(Map.of("text", text)).post("/elevenlabs/v1/text-to-speech/voice1/stream")
                .then().statusCode(200).extract().asByteArray();
        assertEquals(64 * text.length(), audio.length);
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(text.length(), event.usage().characters());
    }

    @Test
    void shouldRefuseAWrongKeyInElevenLabsFormat() {
        given().contentType(ContentType.JSON).header("xi-api-key", "amk_AAAAAAAA_" + "B".repeat(40))
                .body(Map.of("text", "hi")).post("/elevenlabs/v1/text-to-speech/voice1")
                .then().statusCode(401).body("detail.status", equalTo("invalid_api_key"));
        given().contentType(ContentType.JSON).body(Map.of("text", "hi")).post("/elevenlabs/v1/text-to-speech/voice1")
                .then().statusCode(401).body("detail.status", equalTo("needs_authorization"));
    }

    @Test
    void shouldMeterACallsBilledSecondsOnceHoweverOftenItsRecordComes() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        String token = GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String callId = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(Map.of("agent_number", "+911111111111", "destination_number", "+912222222222"))
                .post("/smartflo/v1/click_to_call")
                .then().statusCode(200).body("success", equalTo(true)).extract().path("call_id");
        assertTrue(SimulatorTestResource.simulator().requests().stream()
                .anyMatch(r -> ("Bearer " + token).equals(r.headers().get("authorization"))));

        // Smartflo posts the call record, signed, to the customer's webhook URL; here the simulator does it.
        String secret = SmartfloWebhooks.issueSecret(tenant.customerId());
        given().queryParam("billsec", 61).queryParam("webhook", webhooks + "/" + tenant.customerId())
                .queryParam("secret", secret)
                .post(SimulatorTestResource.simulator().baseUrl() + "/_sim/smartflo/calls/{id}/complete", callId)
                .then().statusCode(200).body("webhookBody", containsString("\"duplicate\":false"));
        String record = SimulatorTestResource.simulator().completeCall(callId, 61);
        SmartfloWebhooks.post(tenant.customerId(), secret, record).statusCode(200).body("duplicate", equalTo(true));

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 2);
        assertEquals(2, events.size(), "the call placed and the call billed, nothing more: " + events);
        UsageEvent placed = events.stream().filter(e -> e.operation().equals("click-to-call")).findFirst().orElseThrow();
        assertEquals(0, placed.usage().callSeconds());
        assertTrue(placed.countsAsCall(), "the click-to-call is the call and the request");
        UsageEvent billed = events.stream().filter(e -> e.operation().equals("call")).findFirst().orElseThrow();
        assertEquals(UsageKind.REPORT, billed.kind());
        assertFalse(billed.countsAsCall(), "its billed seconds count as minutes and cost only");
        assertEquals(Outcome.SUCCESS, billed.outcome());
        assertEquals(61, billed.usage().callSeconds());
        // 61 s at $0.02 a minute, prorated per second
        assertEquals(new BigDecimal("0.020333333333"), billed.cost().amount());
        assertEquals(placed.occurredAt(), billed.occurredAt(), "billed in the month the call started");
    }

    @Test
    void shouldRefuseARecordOfACallAnotherCustomerPlaced() {
        var owner = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(owner.customerId(), "smartflo");
        String callId = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + owner.apiKey())
                .body(Map.of("agent_number", "+911111111111", "destination_number", "+912222222222"))
                .post("/smartflo/v1/click_to_call").then().statusCode(200).extract().path("call_id");
        var other = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(other.customerId(), "smartflo");
        SmartfloWebhooks.post(other.customerId(), SmartfloWebhooks.issueSecret(other.customerId()),
                SimulatorTestResource.simulator().completeCall(callId, 30)).statusCode(404)
                .body("success", equalTo(false));
        SmartfloWebhooks.post(owner.customerId(), SmartfloWebhooks.issueSecret(owner.customerId()),
                "{\"call_id\":\"" + callId + "\",\"billsec\":\"soon\"}").statusCode(400);
    }
}
