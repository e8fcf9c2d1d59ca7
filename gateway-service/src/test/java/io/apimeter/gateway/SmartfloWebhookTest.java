package io.apimeter.gateway;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.apimeter.events.UsageEvent;
import io.apimeter.events.UsageKind;
import io.apimeter.simulator.smartflo.SmartfloSignature;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Smartflo's call records reach the gateway signed with the customer's webhook secret; only those bill, and a later
 * record that differs corrects the bill once.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class SmartfloWebhookTest {

    private static String placeCall(GatewayTestSupport.Tenant tenant) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(Map.of("agent_number", "+911111111111", "destination_number", "+912222222222"))
                .post("/smartflo/v1/click_to_call").then().statusCode(200).extract().path("call_id");
    }

    private static String record(String callId, long billsec) {
        return "{\"call_id\":\"" + callId + "\",\"billsec\":" + billsec + ",\"call_status\":\"answered\"}";
    }

    @Test
    void shouldRefuseUnsignedAndForgedRecordsAndMeterNothingFromThem() {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String secret = SmartfloWebhooks.issueSecret(tenant.customerId());
        var other = GatewayTestSupport.newTenant();
        String otherSecret = SmartfloWebhooks.issueSecret(other.customerId());
        String callId = placeCall(tenant);
        String forged = record(callId, 0);

        // unsigned
        given().contentType(ContentType.JSON).body(forged).post("/smartflo/webhooks/cdr/{c}", tenant.customerId())
                .then().statusCode(401).body("success", equalTo(false))
                .body("message", containsString("not signed"));
        // the customer's own platform key is no signature
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey()).body(forged)
                .post("/smartflo/webhooks/cdr/{c}", tenant.customerId()).then().statusCode(401);
        // signed with another customer's secret, or a made-up one
        SmartfloWebhooks.post(tenant.customerId(), otherSecret, forged).statusCode(401)
                .body("message", containsString("does not match"));
        SmartfloWebhooks.post(tenant.customerId(), "whsec_guessed", forged).statusCode(401);
        // a genuine signature over another body
        given().contentType(ContentType.JSON)
                .header(SmartfloSignature.HEADER, SmartfloSignature.sign(secret, record(callId, 61)))
                .body(forged).post("/smartflo/webhooks/cdr/{c}", tenant.customerId()).then().statusCode(401);
        // not hex, not sha256=
        given().contentType(ContentType.JSON).header(SmartfloSignature.HEADER, "sha256=zz").body(forged)
                .post("/smartflo/webhooks/cdr/{c}", tenant.customerId()).then().statusCode(401);
        given().contentType(ContentType.JSON).header(SmartfloSignature.HEADER, secret).body(forged)
                .post("/smartflo/webhooks/cdr/{c}", tenant.customerId()).then().statusCode(401)
                .body(not(containsString(secret)));
        // correctly signed, but for another customer's URL
        SmartfloWebhooks.post(other.customerId(), secret, forged).statusCode(401);
        // the old address, with the platform key as before
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey()).body(forged)
                .post("/smartflo/webhooks/cdr").then().statusCode(401).body("success", equalTo(false))
                .body("message", containsString("/smartflo/webhooks/cdr/{customerId}"));

        // Then Smartflo's own record: the only thing billed.
        SmartfloWebhooks.post(tenant.customerId(), secret, SimulatorTestResource.simulator().completeCall(callId, 61))
                .statusCode(200).body("success", equalTo(true)).body("duplicate", equalTo(false));
        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 2);
        assertEquals(List.of("click-to-call", "call"), events.stream().map(UsageEvent::operation).toList());
        assertEquals(61, events.get(1).usage().callSeconds());
    }

    @Test
    void shouldCorrectAWrongRecordOnceWhenItsCorrectionComesTwice() {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String secret = SmartfloWebhooks.issueSecret(tenant.customerId());
        String callId = placeCall(tenant);

        SmartfloWebhooks.post(tenant.customerId(), secret, record(callId, 30)).statusCode(200)
                .body("duplicate", equalTo(false)).body("adjusted", equalTo(false));
        SmartfloWebhooks.post(tenant.customerId(), secret, record(callId, 45)).statusCode(200)
                .body("duplicate", equalTo(false)).body("adjusted", equalTo(true));
        SmartfloWebhooks.post(tenant.customerId(), secret, record(callId, 45)).statusCode(200)
                .body("duplicate", equalTo(true)).body("adjusted", equalTo(false));
        // a correction downwards: the sums go down
        SmartfloWebhooks.post(tenant.customerId(), secret, record(callId, 20)).statusCode(200)
                .body("adjusted", equalTo(true));
        SmartfloWebhooks.post(tenant.customerId(), secret, record(callId, 20)).statusCode(200)
                .body("duplicate", equalTo(true));
        placeCall(tenant); // metered after everything above: nothing else may come before it

        List<UsageEvent> all = GatewayTestSupport.usageEvents(tenant.customerId(), 5);
        assertEquals("click-to-call", all.get(4).operation(), "the call placed, billed, and corrected twice, nothing"
                + " more: " + all);
        List<UsageEvent> events = all.subList(0, 4);
        UsageEvent billed = events.get(1);
        assertEquals(UsageKind.REPORT, billed.kind());
        assertEquals(new BigDecimal("0.01"), billed.cost().amount(), "30 s at $0.02 a minute");
        UsageEvent up = events.get(2);
        assertEquals("call.adjustment", up.operation());
        assertEquals(UsageKind.ADJUSTMENT, up.kind());
        assertFalse(up.countsAsCall());
        assertEquals(15, up.usage().callSeconds());
        assertEquals(new BigDecimal("0.005"), up.cost().amount());
        assertEquals(billed.occurredAt(), up.occurredAt(), "corrected in the month the call was placed");
        UsageEvent down = events.get(3);
        assertEquals(-25, down.usage().callSeconds());
        assertEquals(new BigDecimal("-0.008333333333"), down.cost().amount());
        assertNotEquals(up.eventId(), down.eventId());
        BigDecimal total = events.stream().map(e -> e.cost().amountOrZero()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, new BigDecimal("0.006666666667").compareTo(total), "what 20 s cost: " + total);
        assertEquals(20, events.stream().mapToLong(e -> e.usage().callSeconds()).sum());
        assertEquals(1, events.stream().filter(UsageEvent::countsAsCall).count(), "one call, one request");
    }

    @Test
    void shouldIssueTheWebhookSecretOnceAndStillTakeThePreviousOneAfterARotation() {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        JsonPath first = asAdmin().post("/admin/customers/{id}/smartflo/webhook-secret", tenant.customerId())
                .then().statusCode(201)
                .body("customerId", equalTo(tenant.customerId()))
                .body("webhookUrl", endsWith("/smartflo/webhooks/cdr/" + tenant.customerId()))
                .body("signatureHeader", equalTo("X-Smartflo-Signature"))
                .body("createdAt", notNullValue())
                .body("previousSecretValidUntil", nullValue())
                .extract().jsonPath();
        String oldSecret = first.getString("secret");
        JsonPath second = asAdmin().post("/admin/customers/{id}/smartflo/webhook-secret", tenant.customerId())
                .then().statusCode(201).body("previousSecretValidUntil", notNullValue()).extract().jsonPath();
        String newSecret = second.getString("secret");
        assertNotEquals(oldSecret, newSecret);

        // never shown again
        asAdmin().get("/admin/customers/{id}/credentials", tenant.customerId()).then().statusCode(200)
                .body(not(containsString(oldSecret))).body(not(containsString(newSecret)));
        asAdmin().get("/admin/customers/{id}", tenant.customerId()).then().statusCode(200)
                .body(not(containsString(newSecret)));

        // Smartflo still configured with the old one while the admin changes it: taken for a while
        String callId = placeCall(tenant);
        SmartfloWebhooks.post(tenant.customerId(), oldSecret, record(callId, 10)).statusCode(200);
        SmartfloWebhooks.post(tenant.customerId(), newSecret, record(callId, 10)).statusCode(200)
                .body("duplicate", equalTo(true));

        asAdmin().post("/admin/customers/{id}/smartflo/webhook-secret", "no-such-customer").then().statusCode(404);
        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 2);
        assertEquals(2, events.size());
        events.stream().max(Comparator.comparing(e -> e.usage().callSeconds())).ifPresent(e ->
                assertEquals(10, e.usage().callSeconds()));
    }
}
