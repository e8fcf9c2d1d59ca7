package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.platformCost;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.security.Callers.asCustomer;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apimeter.events.AlertEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Customers' webhooks against a real HTTP receiver on 127.0.0.1 (internal addresses are allowed in the test
 * profile; {@link WebhookUrlRefusalTest} shows the refusal with the switch off).
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class WebhookDeliveryTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void shouldPostEachAlertSignedWithTheSecretShownOnceAndRetryUntilTheReceiverTakesIt() throws Exception {
        String customer = newCustomer();
        String path = "/hooks/" + customer;
        String secret = asAdmin().contentType(ContentType.JSON).body(Map.of("url", receiver.url(path)))
                .when().put("/webhooks/{c}", customer)
                .then().statusCode(200)
                .body("customerId", equalTo(customer))
                .body("url", equalTo(receiver.url(path)))
                .body("secret", matchesPattern("[0-9a-f]{64}"))
                .body("createdAt", notNullValue())
                .extract().path("secret");
        // never shown again
        asAdmin().when().get("/webhooks/{c}", customer)
                .then().statusCode(200)
                .body("url", equalTo(receiver.url(path)))
                .body("$", not(hasKey("secret")))
                .body(not(containsString(secret)));

        receiver.answer(path, 500);
        AlertEvent alert = exceeded(customer, Instant.parse("2026-11-26T10:00:00Z"));
        long before = Instant.now().getEpochSecond();
        KAFKA.publish(alert);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications.find { it.channel == 'WEBHOOK' }.status", equalTo("SENT"))
                .body("notifications.find { it.channel == 'WEBHOOK' }.attempts", equalTo(2))
                .body("notifications.find { it.channel == 'WEBHOOK' }.audience", equalTo("CUSTOMER"))
                .body("notifications.find { it.channel == 'WEBHOOK' }.recipient", equalTo(receiver.url(path)))
                .body("notifications.find { it.channel == 'WEBHOOK' }.lastError", nullValue()));
        List<WebhookReceiver.Received> received = receiver.received(path);
        assertEquals(List.of(500, 200), received.stream().map(WebhookReceiver.Received::answered).toList());

        for (WebhookReceiver.Received delivery : received) {
            assertEquals("POST", delivery.method());
            assertEquals(alert.eventId().toString(), delivery.header("X-Apimeter-Event-Id"));
            assertTrue(delivery.header("Content-Type").startsWith("application/json"), delivery.header("Content-Type"));
            assertSignedWith(secret, delivery, before);
            JsonNode body = JSON.readTree(delivery.body());
            assertEquals(alert.eventId().toString(), body.get("id").asText());
            assertEquals("EXCEEDED", body.get("type").asText());
            assertEquals(customer, body.get("customerId").asText());
            assertEquals("TOTAL_COST_USD", body.get("dimension").asText());
            assertEquals("2026-11", body.get("month").asText());
            assertEquals(100, body.get("thresholdPercent").asInt());
            assertEquals("100.25", body.get("used").asText());
            assertEquals("100", body.get("limit").asText());
            assertEquals(alert.message(), body.get("message").asText());
            assertEquals("2026-11-26T10:00:00Z", body.get("occurredAt").asText());
            assertEquals("ACTIVE", body.get("status").asText());
        }
        // a signature made with another secret does not verify: the check above can fail
        assertNotEquals(signature("0".repeat(64), received.get(1)), signatureOf(received.get(1)));

        // delivered once: later send cycles (another alert delivered) post nothing more about it
        AlertEvent later = warning(customer, Instant.parse("2026-11-26T11:00:00Z"));
        KAFKA.publish(later);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received(path).size() == 3);
        assertEquals(1, receiver.received(path).stream()
                .filter(r -> alert.eventId().toString().equals(r.header("X-Apimeter-Event-Id")) && r.answered() == 200)
                .count());
        assertEquals(later.eventId().toString(), receiver.received(path).get(2).header("X-Apimeter-Event-Id"));

        // the customer reads its own webhook, without the secret, and sees its delivery without the URL
        asCustomer(customer).when().get("/webhooks/{c}", customer)
                .then().statusCode(200)
                .body("customerId", equalTo(customer))
                .body("$", not(hasKey("secret")));
        asCustomer(customer).when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications.channel", contains("WEBHOOK"))
                .body("notifications[0].recipient", nullValue())
                .body(not(containsString(receiver.url(path))));
    }

    @Test
    void shouldSignWithTheNewSecretAfterAReplacementAndStopAfterRemoval() throws Exception {
        String customer = newCustomer();
        String first = "/first/" + customer;
        String second = "/second/" + customer;
        String oldSecret = put(customer, receiver.url(first));
        String newSecret = put(customer, receiver.url(second));
        assertNotEquals(oldSecret, newSecret, "a replaced webhook gets a new secret");
        asAdmin().when().get("/webhooks/{c}", customer)
                .then().statusCode(200).body("url", equalTo(receiver.url(second)));

        AlertEvent alert = warning(customer, Instant.parse("2026-11-27T10:00:00Z"));
        long before = Instant.now().getEpochSecond();
        KAFKA.publish(alert);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received(second).size() == 1);
        assertSignedWith(newSecret, receiver.received(second).get(0), before);
        assertEquals(List.of(), receiver.received(first));

        asAdmin().when().delete("/webhooks/{c}", customer).then().statusCode(204);
        asAdmin().when().get("/webhooks/{c}", customer)
                .then().statusCode(404).contentType(ContentType.JSON).body("code", equalTo("not_found"));
        asAdmin().when().delete("/webhooks/{c}", customer).then().statusCode(404).body("code", equalTo("not_found"));
        AlertEvent afterRemoval = exceeded(customer, Instant.parse("2026-11-27T11:00:00Z"));
        KAFKA.publish(afterRemoval);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", afterRemoval.eventId())
                .then().statusCode(200)
                .body("notifications.channel", contains("EMAIL", "EMAIL"))
                .body("notifications.status", contains("SENT", "SENT")));
        assertEquals(1, receiver.received(second).size());
    }

    @Test
    void shouldFailAPendingDeliveryOnceItsWebhookIsRemoved() {
        String customer = newCustomer();
        String path = "/failing/" + customer;
        receiver.answer(path, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503);
        put(customer, receiver.url(path));
        AlertEvent alert = warning(customer, Instant.parse("2026-11-27T13:00:00Z"));
        KAFKA.publish(alert);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications.find { it.channel == 'WEBHOOK' }.status", equalTo("PENDING"))
                .body("notifications.find { it.channel == 'WEBHOOK' }.lastError",
                        equalTo("the webhook answered HTTP 503")));
        // the customer sees why its own webhook failed, nothing about the admins' mail
        asCustomer(customer).when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications.lastError", contains("the webhook answered HTTP 503"));

        asAdmin().when().delete("/webhooks/{c}", customer).then().statusCode(204);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications.find { it.channel == 'WEBHOOK' }.status", equalTo("FAILED"))
                .body("notifications.find { it.channel == 'WEBHOOK' }.lastError",
                        equalTo("the customer has no webhook any more")));
        assertTrue(receiver.received(path).stream().allMatch(r -> r.answered() == 503));
    }

    @Test
    void shouldNeverPostPlatformAlertsToAWebhookNorShowAWebhookToAnotherCustomer() {
        String customer = newCustomer();
        String other = newCustomer();
        String path = "/platform-check/" + customer;
        put(customer, receiver.url(path));

        AlertEvent platform = platformCost(Instant.parse("2026-11-27T12:00:00Z"));
        AlertEvent own = warning(customer, Instant.parse("2026-11-27T12:00:01Z"));
        KAFKA.publish(platform);
        KAFKA.publish(own);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received(path).size() == 1);
        assertEquals(own.eventId().toString(), receiver.received(path).get(0).header("X-Apimeter-Event-Id"));
        asAdmin().when().get("/alerts/{id}", platform.eventId())
                .then().statusCode(200).body("notifications.channel", contains("EMAIL", "EMAIL"));

        asCustomer(other).when().get("/webhooks/{c}", customer)
                .then().statusCode(404).body("code", equalTo("not_found")).body(not(containsString(path)));
        asCustomer(other).when().get("/webhooks/{c}", other)
                .then().statusCode(404).body("code", equalTo("not_found"));
        asCustomer(customer).contentType(ContentType.JSON).body(Map.of("url", receiver.url("/x")))
                .when().put("/webhooks/{c}", customer)
                .then().statusCode(403).body("code", equalTo("forbidden"));
        asCustomer(customer).when().delete("/webhooks/{c}", customer)
                .then().statusCode(403).body("code", equalTo("forbidden"));
    }

    @Test
    void shouldRejectABadRequestWithAClearMessage() {
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", receiver.url("/x")))
                .when().put("/webhooks/{c}", AlertEvent.PLATFORM)
                .then().statusCode(400).body("code", equalTo("invalid_customerId"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", receiver.url("/x")))
                .when().put("/webhooks/{c}", "no spaces")
                .then().statusCode(400).body("code", equalTo("invalid_customerId"));
        asAdmin().contentType(ContentType.JSON).body("{}")
                .when().put("/webhooks/{c}", newCustomer())
                .then().statusCode(400).body("code", equalTo("invalid_webhook_url"))
                .body("message", containsString("url is required"));
        asAdmin().contentType(ContentType.JSON).body("{\"url\": 42")
                .when().put("/webhooks/{c}", newCustomer())
                .then().statusCode(400).body("code", equalTo("invalid_json"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", "gopher://127.0.0.1/x"))
                .when().put("/webhooks/{c}", newCustomer())
                .then().statusCode(400).body("code", equalTo("invalid_webhook_url"))
                .body("message", containsString("http"));
    }

    private static String put(String customer, String url) {
        return asAdmin().contentType(ContentType.JSON).body(Map.of("url", url))
                .when().put("/webhooks/{c}", customer)
                .then().statusCode(200).extract().path("secret");
    }

    /** Checks the signature as a receiver would: HMAC-SHA256 with the secret over "t.body", t recent. */
    private static void assertSignedWith(String secret, WebhookReceiver.Received delivery, long notBefore)
            throws Exception {
        String header = delivery.header("X-Apimeter-Signature");
        assertTrue(header.matches("t=\\d+,v1=[0-9a-f]{64}"), header);
        long t = Long.parseLong(header.substring(2, header.indexOf(',')));
        assertTrue(t >= notBefore - 1 && t <= Instant.now().getEpochSecond() + 1, "timestamp " + t);
        assertEquals(signature(secret, delivery), signatureOf(delivery));
    }

    private static String signatureOf(WebhookReceiver.Received delivery) {
        String header = delivery.header("X-Apimeter-Signature");
        return header.substring(header.indexOf("v1=") + 3);
    }

    private static String signature(String secret, WebhookReceiver.Received delivery) throws Exception {
        String header = delivery.header("X-Apimeter-Signature");
        String t = header.substring(2, header.indexOf(','));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(delivery.body()));
    }
}
