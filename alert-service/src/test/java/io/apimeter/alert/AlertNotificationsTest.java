package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class AlertNotificationsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final List<String> ADMINS = List.of("ops@apimeter.test", "finance@apimeter.test");
    private static final List<String> ADMINS_SORTED = ADMINS.stream().sorted().toList();

    @Test
    void shouldStoreAnAlertAndMailEachAdminOnce() throws Exception {
        String customer = newCustomer();
        AlertEvent alert = warning(customer, Instant.parse("2026-11-20T10:15:30Z"));
        KAFKA.publish(alert);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("customerId", customer)
                .when().get("/alerts")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].notifications.status", everyItem(equalTo("SENT"))));
        asAdmin().when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("id", equalTo(alert.eventId().toString()))
                .body("type", equalTo("WARNING"))
                .body("customerId", equalTo(customer))
                .body("dimension", equalTo("OPENAI_TOKENS"))
                .body("month", equalTo("2026-11"))
                .body("thresholdPercent", equalTo(80))
                .body("used", equalTo("805000"))
                .body("limit", equalTo("1000000"))
                .body("message", equalTo(alert.message()))
                .body("status", equalTo("ACTIVE"))
                .body("occurredAt", equalTo("2026-11-20T10:15:30Z"))
                .body("createdAt", notNullValue())
                .body("notifications.channel", everyItem(equalTo("EMAIL")))
                .body("notifications.recipient", contains(ADMINS.toArray()))
                .body("notifications.attempts", everyItem(equalTo(1)))
                .body("notifications.sentAt", everyItem(notNullValue()));

        List<MimeMessage> mails = MailServer.messagesAbout(customer);
        assertEquals(ADMINS_SORTED, recipients(mails));
        MimeMessage mail = mails.get(0);
        assertEquals("[apimeter] WARNING: " + customer + " at 80% of OpenAI tokens", MailServer.subject(mail));
        assertEquals("alerts@apimeter.local", mail.getFrom()[0].toString());
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(mail);
        assertTrue(body.contains("80.50%"), body);
        assertTrue(body.contains(alert.eventId().toString()), body);
    }

    @Test
    void shouldNeitherStoreNorMailARedeliveredAlertAgain() {
        String customer = newCustomer();
        AlertEvent alert = warning(customer, Instant.parse("2026-11-21T08:00:00Z"));
        KAFKA.publish(alert);
        KAFKA.publish(alert);
        // Same partition, so handled after the redelivery: once its mails are out, any duplicate's would be too.
        AlertEvent later = exceeded(customer, Instant.parse("2026-11-21T09:00:00Z"));
        KAFKA.publish(later);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                MailServer.messagesAbout("EXCEEDED: " + customer).size() == ADMINS.size());
        asAdmin().queryParam("customerId", customer)
                .when().get("/alerts")
                .then().statusCode(200)
                .body("items.id", contains(later.eventId().toString(), alert.eventId().toString()))
                .body("items[1].notifications", hasSize(ADMINS.size()));
        assertEquals(ADMINS_SORTED, recipients(MailServer.messagesAbout("WARNING: " + customer)));
    }

    @Test
    void shouldRetryMailWhileTheMailServerIsDownAndDeliverItOnce() {
        String customer = newCustomer();
        AlertEvent alert = exceeded(customer, Instant.parse("2026-11-22T12:00:00Z"));
        MailServer.stop();
        try {
            KAFKA.publish(alert);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                    .when().get("/alerts/{id}", alert.eventId())
                    .then().statusCode(200)
                    .body("notifications", hasSize(ADMINS.size()))
                    .body("notifications.status", everyItem(equalTo("PENDING")))
                    .body("notifications.attempts", everyItem(greaterThanOrEqualTo(2)))
                    .body("notifications.lastError", everyItem(notNullValue())));
        } finally {
            MailServer.start();
        }

        Awaitility.await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications.status", everyItem(equalTo("SENT")))
                .body("notifications.lastError", everyItem(equalTo(null))));
        assertEquals(ADMINS_SORTED, recipients(MailServer.messagesAbout(customer)));
    }

    /** GreenMail lists messages per mailbox, not in arrival order. */
    private static List<String> recipients(List<MimeMessage> mails) {
        return mails.stream().map(MailServer::to).sorted().toList();
    }
}
