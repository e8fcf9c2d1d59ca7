package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mail server whose answer is late or lost. A late answer (after {@code apimeter.alert.mail-timeout}, 2 s here)
 * is waited for: each admin gets the alert once. An answer lost after the server stored the mail
 * (the connection dropped) is waited for up to half the lease, then the mail is tried again, and the repeat is
 * the same message: the same {@code Message-ID}.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(ScriptedMailServerResource.class)
class MailInDoubtTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final List<String> ADMINS = List.of("finance@apimeter.test", "ops@apimeter.test");
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(\\S+)");

    private final ScriptedMailServer server = ScriptedMailServer.shared();

    private static boolean mailerWarm;

    /**
     * The mailer's first send in a process takes longer than later ones (it resolves this host's name for EHLO and
     * opens the connection); one alert is mailed first, answered at once, so that the tests time the mail server's
     * answers alone.
     */
    @BeforeEach
    void warmTheMailer() {
        server.answerAtOnce();
        if (mailerWarm) {
            return;
        }
        AlertEvent first = warning(newCustomer(), Instant.parse("2026-11-25T09:00:00Z"));
        KAFKA.publish(first);
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", first.eventId())
                .then().statusCode(200)
                .body("notifications", hasSize(2))
                .body("notifications.status", everyItem(equalTo("SENT"))));
        mailerWarm = true;
    }

    @Test
    void shouldWaitForALateAnswerInsteadOfSendingTheMailAgain() {
        server.answerLate(Duration.ofSeconds(4));
        AlertEvent alert = warning(newCustomer(), Instant.parse("2026-11-25T10:00:00Z"));
        Instant published = Instant.now();
        KAFKA.publish(alert);

        List<String> sentAt = Awaitility.await().atMost(Duration.ofSeconds(45)).until(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications", hasSize(2))
                .extract().jsonPath().<String>getList("notifications.findAll { it.status == 'SENT' }.sentAt"),
                sent -> sent.size() == 2);
        // answered 4 s after the data, past the 2 s mail timeout: the sender waited for the answer
        sentAt.forEach(at -> assertTrue(Duration.between(published, Instant.parse(at)).toSeconds() >= 4,
                "marked sent at " + at + ", before the server answered"));
        List<String> mails = server.storedMentioning(alert.eventId().toString());
        assertEquals(ADMINS, mails.stream().map(MailInDoubtTest::to).sorted().toList(),
                "one mail per admin, though the server answered after the mail timeout");
    }

    @Test
    void shouldRepeatAMailWhoseAnswerWasLostAsTheSameMessage() {
        server.storeThenDrop(2);
        AlertEvent alert = warning(newCustomer(), Instant.parse("2026-11-25T11:00:00Z"));
        KAFKA.publish(alert);

        Awaitility.await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("notifications", hasSize(2))
                .body("notifications.status", everyItem(equalTo("SENT")))
                .body("notifications.attempts", everyItem(greaterThanOrEqualTo(2))));
        List<String> mails = server.storedMentioning(alert.eventId().toString());
        for (String admin : ADMINS) {
            List<String> ids = mails.stream().filter(m -> to(m).equals(admin)).map(MailInDoubtTest::messageId).toList();
            assertEquals(2, ids.size(), "the mail to " + admin + " was stored, its answer lost, and sent again");
            assertEquals(ids.get(0), ids.get(1), "both copies to " + admin + " are one message");
            assertTrue(ids.get(0).matches("<notification-\\d+\\." + alert.eventId() + "@apimeter>"), ids.get(0));
        }
        assertEquals(2, mails.stream().map(MailInDoubtTest::messageId).distinct().count(),
                "each recipient's mail has its own Message-ID");
    }

    private static String messageId(String mail) {
        Matcher id = MESSAGE_ID.matcher(mail);
        return id.find() ? id.group(1) : "(none)";
    }

    private static String to(String mail) {
        Matcher to = Pattern.compile("(?im)^To:\\s*(\\S+)").matcher(mail);
        return to.find() ? to.group(1).replaceAll("[<>]", "") : "(none)";
    }
}
