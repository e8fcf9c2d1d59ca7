package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.alert.entity.Webhook;
import io.apimeter.events.AlertEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Production without ALERT_WEBHOOK_SIGNING_KEY: the service runs and mails, webhooks are refused clearly. */
@QuarkusTest
@TestProfile(WebhooksWithoutSigningKeyTest.NoSigningKey.class)
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class WebhooksWithoutSigningKeyTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    /** No signing key configured. */
    public static class NoSigningKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("apimeter.alert.webhook.signing-key", "",
                    "%test.apimeter.alert.webhook.signing-key", "");
        }
    }

    @Inject
    EntityManager em;

    @Test
    void shouldRefuseWebhooksWith503AndKeepMailingAndHoldDeliveriesUntilAKeyIsSet() {
        String customer = newCustomer();
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", "https://93.184.215.14/apimeter"))
                .when().put("/webhooks/{c}", customer)
                .then().statusCode(503)
                .contentType(ContentType.JSON)
                .body("code", equalTo("webhooks_unavailable"))
                .body("message", containsString("ALERT_WEBHOOK_SIGNING_KEY"));

        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            // a webhook registered while the service still had its key
            String path = "/keyless/" + customer;
            Webhook webhook = new Webhook();
            webhook.id = UUID.randomUUID();
            webhook.customerId = customer;
            webhook.url = receiver.url(path);
            webhook.createdAt = Instant.now();
            QuarkusTransaction.requiringNew().run(() -> em.persist(webhook));
            asAdmin().when().get("/webhooks/{c}", customer).then().statusCode(200);

            AlertEvent alert = warning(customer, Instant.parse("2026-11-29T10:00:00Z"));
            KAFKA.publish(alert);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                    .when().get("/alerts/{id}", alert.eventId())
                    .then().statusCode(200)
                    .body("notifications.findAll { it.channel == 'EMAIL' }.status", equalTo(List.of("SENT", "SENT")))
                    .body("notifications.find { it.channel == 'WEBHOOK' }.status", equalTo("PENDING"))
                    .body("notifications.find { it.channel == 'WEBHOOK' }.attempts", greaterThanOrEqualTo(2))
                    .body("notifications.find { it.channel == 'WEBHOOK' }.lastError",
                            containsString("no signing key")));
            assertEquals(List.of(), receiver.received(path), "nothing unsigned is ever posted");
            asAdmin().when().delete("/webhooks/{c}", customer).then().statusCode(204);
        }
    }
}
