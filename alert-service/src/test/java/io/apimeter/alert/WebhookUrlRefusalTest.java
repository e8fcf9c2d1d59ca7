package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** With internal addresses not allowed, as in production: webhooks may not point inside the network. */
@QuarkusTest
@TestProfile(WebhookUrlRefusalTest.PrivateAddressesRefused.class)
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class WebhookUrlRefusalTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    /** The production setting of the switch. */
    public static class PrivateAddressesRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("apimeter.alert.webhook.allow-private-addresses", "false",
                    "%test.apimeter.alert.webhook.allow-private-addresses", "false");
        }
    }

    @Inject
    EntityManager em;

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:8080/hook",
            "http://10.0.0.7/hook",
            "https://192.168.1.20/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:9000/hook",
            "http://localhost:8080/hook",
            "http://100.64.1.1/hook",
            "http://[fd00::1]/hook",
    })
    void shouldRefuseAWebhookThatPointsInsideTheNetwork(String url) {
        String customer = newCustomer();
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", url))
                .when().put("/webhooks/{c}", customer)
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("code", equalTo("invalid_webhook_url"))
                .body("message", containsString("public address"));
        asAdmin().when().get("/webhooks/{c}", customer).then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ftp://93.184.215.14/hook",
            "file:///etc/passwd",
            "https://user:pass@93.184.215.14/hook",
            "/relative/hook",
    })
    void shouldRefuseAUrlThatIsNotAnAbsoluteHttpUrlWithoutCredentials(String url) {
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", url))
                .when().put("/webhooks/{c}", newCustomer())
                .then().statusCode(400)
                .body("code", equalTo("invalid_webhook_url"))
                .body("message", containsString("url must"));
    }

    @Test
    void shouldAcceptAPublicAddressAndKeepItWhenAReplacementIsRefused() {
        String customer = newCustomer();
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", "https://93.184.215.14/apimeter"))
                .when().put("/webhooks/{c}", customer)
                .then().statusCode(200).body("url", equalTo("https://93.184.215.14/apimeter"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1/steal"))
                .when().put("/webhooks/{c}", customer)
                .then().statusCode(400).body("code", equalTo("invalid_webhook_url"));
        asAdmin().when().get("/webhooks/{c}", customer)
                .then().statusCode(200).body("url", equalTo("https://93.184.215.14/apimeter"));
    }

    @Test
    void shouldFailADeliveryWithoutRetryWhenTheWebhookNowPointsInside() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String customer = newCustomer();
            String path = "/inside/" + customer;
            // as if the host's DNS had changed after the webhook was registered: it now names a loopback address
            Webhook webhook = new Webhook();
            webhook.id = UUID.randomUUID();
            webhook.customerId = customer;
            webhook.url = receiver.url(path);
            webhook.createdAt = Instant.now();
            QuarkusTransaction.requiringNew().run(() -> em.persist(webhook));

            AlertEvent alert = warning(customer, Instant.parse("2026-11-28T10:00:00Z"));
            KAFKA.publish(alert);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                    .when().get("/alerts/{id}", alert.eventId())
                    .then().statusCode(200)
                    .body("notifications.find { it.channel == 'WEBHOOK' }.status", equalTo("FAILED"))
                    .body("notifications.find { it.channel == 'WEBHOOK' }.attempts", equalTo(1))
                    .body("notifications.find { it.channel == 'WEBHOOK' }.lastError",
                            containsString("a loopback address")));
            // the mails went out all the same (sent alongside the webhook, so they may finish after it)
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                    .when().get("/alerts/{id}", alert.eventId())
                    .then().statusCode(200)
                    .body("notifications.findAll { it.channel == 'EMAIL' }.status", equalTo(List.of("SENT", "SENT"))));
            assertEquals(List.of(), receiver.received(path));
        }
    }
}
