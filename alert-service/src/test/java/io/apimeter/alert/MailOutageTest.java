package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.platformCost;
import static io.apimeter.alert.AlertTestEvents.rateLimit;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.alert.service.CustomerContacts;
import io.apimeter.alert.service.NotificationSender;
import io.apimeter.events.AlertEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The mail server is down for a while: alerts raised meanwhile are mailed late, each exactly once to each of
 * its recipients, however often the alert events were delivered, however many senders race for them (as
 * replicas do) and however many send cycles run.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class MailOutageTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final List<String> ADMINS = List.of("finance@apimeter.test", "ops@apimeter.test");

    @Inject
    CustomerContacts contacts;

    @Inject
    NotificationSender sender;

    @Test
    void shouldMailEachAlertExactlyOncePerRecipientWhenTheMailServerComesBack() throws Exception {
        String acme = newCustomer();
        String globex = newCustomer();
        String acmeContact = "ops@" + acme + ".test";
        String globexContact = "it@" + globex + ".test";
        CustomerRecords.publish(CustomerRecords.active(acme, acmeContact, Instant.parse("2026-11-01T00:00:00Z")));
        CustomerRecords.publish(CustomerRecords.active(globex, globexContact, Instant.parse("2026-11-01T00:00:00Z")));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> contacts.find(acme).isPresent()
                && contacts.find(globex).isPresent());

        Instant at = Instant.parse("2026-11-25T10:00:00Z");
        AlertEvent acmeWarning = warning(acme, at);
        AlertEvent acmeExceeded = exceeded(acme, at.plusSeconds(60));
        AlertEvent globexRateLimit = rateLimit(globex, at.plusSeconds(120));
        AlertEvent platform = platformCost(at.plusSeconds(180));
        List<AlertEvent> alerts = List.of(acmeWarning, acmeExceeded, globexRateLimit, platform);
        Map<AlertEvent, List<String>> expected = Map.of(
                acmeWarning, sorted(ADMINS, acmeContact),
                acmeExceeded, sorted(ADMINS, acmeContact),
                globexRateLimit, sorted(ADMINS, globexContact),
                platform, ADMINS);

        MailServer.stop();
        try {
            for (AlertEvent alert : alerts) {
                KAFKA.publish(alert);
            }
            // the producer side retries too: the same events arrive again
            KAFKA.publish(acmeWarning);
            KAFKA.publish(platform);
            KAFKA.publish(acmeWarning);
            for (AlertEvent alert : alerts) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                        .when().get("/alerts/{id}", alert.eventId())
                        .then().statusCode(200)
                        .body("notifications", hasSize(expected.get(alert).size()))
                        .body("notifications.status", everyItem(equalTo("PENDING")))
                        .body("notifications.attempts", everyItem(greaterThanOrEqualTo(2)))
                        .body("notifications.lastError", everyItem(notNullValue()))
                        .body("notifications.nextAttemptAt", everyItem(notNullValue())));
            }
        } finally {
            MailServer.start();
        }
        // as if several replicas sent at once: four more senders race the scheduled one for the same rows
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(replicas.submit(() -> sender.sendDue() + sender.sendDue()));
            }
            for (Future<Integer> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            replicas.shutdownNow();
        }

        for (AlertEvent alert : alerts) {
            Awaitility.await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> asAdmin()
                    .when().get("/alerts/{id}", alert.eventId())
                    .then().statusCode(200)
                    .body("notifications.status", everyItem(equalTo("SENT")))
                    .body("notifications.sentAt", everyItem(notNullValue()))
                    .body("notifications.lastError", everyItem(nullValue())));
        }
        assertMailedExactlyOnce(alerts, expected);

        // more send cycles: a later alert is mailed, and still nothing of the earlier ones comes again
        AlertEvent later = warning(globex, at.plusSeconds(240));
        KAFKA.publish(later);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(sorted(ADMINS, globexContact),
                MailServer.recipients(MailServer.messagesMentioning(later.eventId().toString()))));
        assertMailedExactlyOnce(alerts, expected);
        asAdmin().queryParam("customerId", acme).when().get("/alerts")
                .then().statusCode(200).body("items", hasSize(2));
    }

    /** Counts the messages per recipient and subject: each alert's recipients got exactly one each. */
    private static void assertMailedExactlyOnce(List<AlertEvent> alerts, Map<AlertEvent, List<String>> expected) {
        for (AlertEvent alert : alerts) {
            List<MimeMessage> mails = MailServer.messagesMentioning(alert.eventId().toString());
            Map<String, Long> perRecipientAndSubject = mails.stream().collect(Collectors.groupingBy(
                    m -> MailServer.to(m) + " | " + MailServer.subject(m), TreeMap::new, Collectors.counting()));
            String subject = mails.isEmpty() ? "(no mail)" : MailServer.subject(mails.get(0));
            Map<String, Long> once = new TreeMap<>();
            expected.get(alert).forEach(recipient -> once.put(recipient + " | " + subject, 1L));
            assertEquals(once, perRecipientAndSubject, "mails about " + alert.type() + " " + alert.customerId());
        }
    }

    private static List<String> sorted(List<String> admins, String... more) {
        List<String> all = new ArrayList<>(admins);
        all.addAll(List.of(more));
        all.sort(null);
        return List.copyOf(all);
    }
}
