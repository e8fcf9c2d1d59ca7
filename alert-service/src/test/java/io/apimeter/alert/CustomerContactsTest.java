package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.alert.entity.CustomerContact;
import io.apimeter.alert.service.CustomerContacts;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.CustomerRecord;
import io.apimeter.events.Topics;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * alert-service learns where a customer's own mail goes from the compacted customers topic: the newest record
 * wins whatever order records arrive in, and a change reaches the alerts raised after it.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class CustomerContactsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final List<String> ADMINS = List.of("ops@apimeter.test", "finance@apimeter.test");
    private static final Instant T1 = Instant.parse("2026-11-01T08:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-02T08:00:00Z");
    private static final Instant T3 = Instant.parse("2026-11-03T08:00:00Z");

    @Inject
    CustomerContacts contacts;

    @Test
    void shouldMailLaterAlertsToANewerContactAndNeverLetAnOlderRecordOverwriteIt() {
        String customer = newCustomer();
        String first = "first@" + customer + ".test";
        String second = "second@" + customer + ".test";
        String stale = "stale@" + customer + ".test";

        CustomerRecords.publish(CustomerRecords.active(customer, first, T1));
        awaitContact(customer, first);
        AlertEvent before = warning(customer, Instant.parse("2026-11-10T10:00:00Z"));
        KAFKA.publish(before);
        awaitRecipients(before, ADMINS.get(0), ADMINS.get(1), first);

        CustomerRecords.publish(CustomerRecords.active(customer, second, T2));
        awaitContact(customer, second);
        // an older record arrives late (and the newer one again): neither changes anything
        CustomerRecords.publish(CustomerRecords.active(customer, stale, T1.plusSeconds(3600)));
        CustomerRecords.publish(CustomerRecords.active(customer, second, T2));
        // a record on the same partition, published after them, is applied after them
        String marker = CustomerRecords.onSamePartitionAs(customer);
        CustomerRecords.publish(CustomerRecords.active(marker, "m@" + marker + ".test", T1));
        awaitContact(marker, "m@" + marker + ".test");
        CustomerContact stored = contacts.find(customer).orElseThrow();
        assertEquals(second, stored.contactEmail);
        assertEquals(T2, stored.updatedAt);

        AlertEvent after = exceeded(customer, Instant.parse("2026-11-12T10:00:00Z"));
        KAFKA.publish(after);
        awaitRecipients(after, ADMINS.get(0), ADMINS.get(1), second);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(
                List.of(ADMINS.get(1), ADMINS.get(0), second).stream().sorted().toList(),
                MailServer.recipients(MailServer.messagesMentioning(after.eventId().toString()))));
        // the earlier alert stays with the address it was raised for
        asAdmin().when().get("/alerts/{id}", before.eventId())
                .then().statusCode(200)
                .body("notifications.recipient", contains(ADMINS.get(0), ADMINS.get(1), first));
    }

    @Test
    void shouldMailOnlyTheAdminsAboutADisabledCustomerOrOneWithoutAUsableAddress() {
        String disabled = newCustomer();
        CustomerRecords.publish(new CustomerRecord(disabled, "Disabled", "ops@" + disabled + ".test", "DISABLED", T1));
        String noAddress = newCustomer();
        CustomerRecords.publish(new CustomerRecord(noAddress, "No address", "not an address", "ACTIVE", T1));
        String adminItself = newCustomer();
        CustomerRecords.publish(CustomerRecords.active(adminItself, "OPS@apimeter.test", T1));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> contacts.find(disabled).isPresent()
                && contacts.find(noAddress).isPresent() && contacts.find(adminItself).isPresent());

        for (String customer : List.of(disabled, noAddress, adminItself)) {
            AlertEvent alert = warning(customer, Instant.parse("2026-11-13T10:00:00Z"));
            KAFKA.publish(alert);
            awaitRecipients(alert, ADMINS.get(0), ADMINS.get(1));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(
                    ADMINS.stream().sorted().toList(),
                    MailServer.recipients(MailServer.messagesMentioning(alert.eventId().toString()))));
        }
    }

    @Test
    void shouldForgetACustomerOnATombstoneAndDeadLetterUnreadableRecords() {
        String customer = newCustomer();
        String email = "ops@" + customer + ".test";
        CustomerRecords.publish(CustomerRecords.active(customer, email, T1));
        awaitContact(customer, email);

        KAFKA.send(Topics.CUSTOMERS, customer, "{not json");
        KAFKA.send(Topics.CUSTOMERS, customer, "{\"customerId\": \"" + customer + "\", \"status\": \"ACTIVE\"}");
        KAFKA.send(Topics.CUSTOMERS, customer, "{\"customerId\": \"someone-else\", \"status\": \"ACTIVE\","
                + " \"updatedAt\": \"2026-11-05T00:00:00Z\", \"contactEmail\": \"x@y.test\"}");
        CustomerRecords.delete(customer);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> contacts.find(customer).isEmpty());

        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.CUSTOMERS_DLQ, customer,
                records -> records.size() >= 3, Duration.ofSeconds(30));
        assertEquals(3, dead.size(), dead.toString());
        assertEquals("alert-service", KafkaTestClient.header(dead.get(0),
                io.apimeter.common.messaging.DeadLetterHeaders.GROUP));
        assertEquals(Topics.CUSTOMERS, KafkaTestClient.header(dead.get(0),
                io.apimeter.common.messaging.DeadLetterHeaders.TOPIC));
        assertTrue(dead.get(0).value().startsWith("{not json"));
        assertTrue(dead.get(2).value().contains("someone-else"));

        AlertEvent alert = warning(customer, Instant.parse("2026-11-14T10:00:00Z"));
        KAFKA.publish(alert);
        awaitRecipients(alert, ADMINS.get(0), ADMINS.get(1));

        // a newer record brings the customer back
        CustomerRecords.publish(CustomerRecords.active(customer, email, T3));
        awaitContact(customer, email);
    }

    private void awaitContact(String customer, String email) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> contacts.find(customer)
                .map(c -> email.equals(c.contactEmail)).orElse(false));
    }

    /** The alert is stored with exactly these recipients, all of them mailed. */
    private static void awaitRecipients(AlertEvent alert, String... recipients) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications.recipient", contains((Object[]) recipients))
                .body("notifications.status", everyItem(equalTo("SENT"))));
    }
}
