package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.platformCost;
import static io.apimeter.alert.AlertTestEvents.rateLimit;
import static io.apimeter.alert.AlertTestEvents.unpricedModel;
import static io.apimeter.alert.AlertTestEvents.unusualActivity;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.security.Callers.asCustomer;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.alert.service.CustomerContacts;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class AlertNotificationsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Inject
    CustomerContacts contacts;
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
        assertEquals("[apimeter] WARNING: " + customer + " used 80% of its OpenAI token limit (2026-11)",
                MailServer.subject(mail));
        assertEquals("alerts@apimeter.local", mail.getFrom()[0].toString());
        assertEquals(1, mail.getAllRecipients().length, "one recipient per mail");
        String text = MailServer.textPart(mail);
        assertTrue(text.contains("80.50%"), text);
        assertTrue(text.contains(alert.eventId().toString()), text);
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
    void shouldStoreEveryAlertTypeOnceAndMailAdminsAlwaysAndTheCustomerOnlyItsOwnAlerts() throws Exception {
        String customer = newCustomer();
        String contact = "ops@" + customer + ".test";
        CustomerRecords.publish(CustomerRecords.active(customer, contact, Instant.parse("2026-11-01T00:00:00Z")));
        // a record for 'platform' is not a customer's and goes to the dead-letter topic: it can never get mail
        KAFKA.send(Topics.CUSTOMERS, AlertEvent.PLATFORM, EventJson.write(CustomerRecords.active(AlertEvent.PLATFORM,
                contact, Instant.parse("2026-11-01T00:00:00Z"))));
        awaitContact(customer, contact);

        Instant at = Instant.parse("2026-11-23T09:00:00Z");
        List<AlertEvent> customerAlerts = List.of(warning(customer, at), exceeded(customer, at.plusSeconds(1)),
                rateLimit(customer, at.plusSeconds(2)), unusualActivity(customer, at.plusSeconds(3)));
        List<AlertEvent> platformAlerts = List.of(platformCost(at.plusSeconds(4)), unpricedModel(customer,
                at.plusSeconds(5)));
        for (AlertEvent alert : customerAlerts) {
            KAFKA.publish(alert);
        }
        for (AlertEvent alert : platformAlerts) {
            KAFKA.publish(alert);
        }
        KAFKA.publish(customerAlerts.get(2));
        KAFKA.publish(platformAlerts.get(0));

        List<String> adminsAndContact = new ArrayList<>(ADMINS_SORTED);
        adminsAndContact.add(contact);
        adminsAndContact.sort(null);
        for (AlertEvent alert : customerAlerts) {
            awaitMailed(alert, adminsAndContact);
            asAdmin().when().get("/alerts/{id}", alert.eventId())
                    .then().statusCode(200)
                    .body("type", equalTo(alert.type().name()))
                    .body("notifications.recipient", contains(ADMINS.get(0), ADMINS.get(1), contact))
                    .body("notifications.audience", contains("ADMIN", "ADMIN", "CUSTOMER"))
                    .body("notifications.status", everyItem(equalTo("SENT")));
        }
        for (AlertEvent alert : platformAlerts) {
            awaitMailed(alert, ADMINS_SORTED);
            asAdmin().when().get("/alerts/{id}", alert.eventId())
                    .then().statusCode(200)
                    .body("customerId", equalTo(AlertEvent.PLATFORM))
                    .body("notifications.recipient", contains(ADMINS.toArray()));
        }
        // each stored once, the redelivered ones too
        asAdmin().queryParam("customerId", customer).when().get("/alerts")
                .then().statusCode(200)
                .body("items.type", containsInAnyOrder("WARNING", "EXCEEDED", "RATE_LIMIT", "UNUSUAL_ACTIVITY"));
        // nothing about the platform, not even the unpriced call the customer made, went to the customer
        assertEquals(0, MailServer.messagesAbout("PLATFORM_COST").stream()
                .filter(m -> MailServer.to(m).equals(contact)).count());
        for (AlertEvent alert : platformAlerts) {
            assertEquals(ADMINS_SORTED, recipients(MailServer.messagesMentioning(alert.eventId().toString())));
        }
        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.CUSTOMERS_DLQ, AlertEvent.PLATFORM,
                records -> !records.isEmpty(), Duration.ofSeconds(30));
        assertTrue(dead.stream().anyMatch(r -> r.value() != null && r.value().contains(contact)), dead.toString());
    }

    @Test
    void shouldMailAReadableHtmlPartAndATextPartAndTellTheCustomerOnlyAboutItself() throws Exception {
        String customer = newCustomer();
        String other = newCustomer();
        String contact = "billing@" + customer + ".test";
        CustomerRecords.publish(CustomerRecords.active(customer, contact, Instant.parse("2026-11-01T00:00:00Z")));
        awaitContact(customer, contact);
        AlertEvent othersAlert = warning(other, Instant.parse("2026-11-24T10:00:00Z"));
        AlertEvent alert = exceeded(customer, Instant.parse("2026-11-24T11:30:00Z"));
        KAFKA.publish(othersAlert);
        KAFKA.publish(alert);
        List<String> adminsAndContact = new ArrayList<>(ADMINS_SORTED);
        adminsAndContact.add(contact);
        adminsAndContact.sort(null);
        awaitMailed(alert, adminsAndContact);

        for (MimeMessage mail : MailServer.messagesMentioning(alert.eventId().toString())) {
            assertTrue(mail.isMimeType("multipart/alternative"), mail.getContentType());
            assertEquals("[apimeter] EXCEEDED: " + customer + " used 100% of its cost limit (2026-11)",
                    MailServer.subject(mail));
            String text = MailServer.textPart(mail);
            String html = MailServer.htmlPart(mail);
            for (String body : List.of(text, html)) {
                assertTrue(body.contains(alert.message()), body);
                assertTrue(body.contains("$100.25"), body);
                assertTrue(body.contains("$100.00"), body);
                assertTrue(body.contains("100.25%"), body);
                assertTrue(body.contains("2026-11-24 11:30:00 UTC"), body);
                assertTrue(body.contains("What to do"), body);
                assertFalse(body.contains("http://") || body.contains("https://"), body);
            }
            assertFalse(text.contains("<"), "the text part is plain text: " + text);
            assertTrue(html.contains("<table") && html.contains("</html>"), html);
        }

        MimeMessage toCustomer = MailServer.messagesMentioning(alert.eventId().toString()).stream()
                .filter(m -> MailServer.to(m).equals(contact)).findFirst().orElseThrow();
        assertEquals(1, toCustomer.getAllRecipients().length, "no other address in To or Cc");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        toCustomer.writeTo(raw);
        String whole = raw.toString(StandardCharsets.UTF_8) + MailServer.textPart(toCustomer)
                + MailServer.htmlPart(toCustomer);
        for (String admin : ADMINS) {
            assertFalse(whole.contains(admin), "the customer's mail names no admin address");
        }
        assertFalse(whole.contains(other), "the customer's mail names no other customer");
        assertFalse(whole.contains("console"), "the customer's mail does not send it to the admins' console");
        assertTrue(MailServer.textPart(toCustomer).contains("You have gone past your monthly limit"));

        // the customer sees the notification meant for it, without its recipient, and none of the admins'
        asCustomer(customer).when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications", hasSize(1))
                .body("notifications[0].audience", equalTo("CUSTOMER"))
                .body("notifications[0].status", equalTo("SENT"))
                .body("notifications[0].recipient", nullValue())
                .body(not(containsString("apimeter.test")));
    }

    private void awaitContact(String customer, String email) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> contacts.find(customer)
                .map(c -> email.equals(c.contactEmail)).orElse(false));
    }

    /** Waits until exactly these recipients got the alert's mail (each once, as the list says). */
    private static void awaitMailed(AlertEvent alert, List<String> expectedRecipients) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(expectedRecipients,
                recipients(MailServer.messagesMentioning(alert.eventId().toString()))));
    }

    /** GreenMail lists messages per mailbox, not in arrival order. */
    private static List<String> recipients(List<MimeMessage> mails) {
        return mails.stream().map(MailServer::to).sorted().toList();
    }
}
