package io.apimeter.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's reading of alert-service's log: which repeated mails an in-doubt attempt explains. */
class MailAttemptsTest {
    private static final String ALERT = "874c89e2-fbc6-46db-a7c3-3253d13b8898";
    private static final String SENDER = " INFO  [io.apimeter.alert.service.NotificationSender] (executor-thread-3) alert "
            + ALERT + ": ";
    private static final String STARTED = " INFO  [io.quarkus] (main) alert-service 0.1.0-SNAPSHOT on JVM (powered by"
            + " Quarkus 3.33.2) started in 2.417s. Listening on: http://0.0.0.0:8084";

    @TempDir
    Path dir;

    @Test
    void shouldExplainARepeatOfAnAttemptCutShortByARestart() throws Exception {
        MailAttempts attempts = log(
                "2026-12-03 18:41:30,100" + STARTED,
                "2026-12-03 18:41:32,600" + SENDER + "sending the mail to ops@apimeter.test (notification 7, attempt 1)",
                "2026-12-03 18:42:10,000" + STARTED,
                "2026-12-03 18:42:11,000" + SENDER + "sending the mail to ops@apimeter.test (notification 7, attempt 2)",
                "2026-12-03 18:42:11,050" + SENDER + "the mail to ops@apimeter.test delivered (accepted by the mail server)");
        String doubt = attempts.inDoubt(ALERT, "ops@apimeter.test", List.of());
        assertNotNull(doubt);
        assertTrue(doubt.contains("attempt 1"), doubt);
    }

    @Test
    void shouldExplainARepeatOfAnAttemptUnderWayAtTheSmtpStop() throws Exception {
        MailAttempts attempts = log(
                "2026-12-03 18:43:54,870" + SENDER + "sending the mail to ops@apimeter.test (notification 7, attempt 1)",
                "2026-12-03 18:43:54,900" + SENDER.replace("INFO ", "WARN ") + "could not deliver the mail to"
                        + " ops@apimeter.test (attempt 1), retrying at 2026-12-03T18:43:59Z: IOException: socket closed",
                "2026-12-03 18:44:31,000" + SENDER + "sending the mail to ops@apimeter.test (notification 7, attempt 2)",
                "2026-12-03 18:44:31,050" + SENDER + "the mail to ops@apimeter.test delivered (accepted by the mail server)");
        assertNotNull(attempts.inDoubt(ALERT, "ops@apimeter.test", List.of(Instant.parse("2026-12-03T18:43:54.880Z"))));
        // the same failure far from any stop of the SMTP server explains nothing
        assertNull(attempts.inDoubt(ALERT, "ops@apimeter.test", List.of(Instant.parse("2026-12-03T18:50:00Z"))));
    }

    @Test
    void shouldExplainNothingWhenEveryAttemptEndedWithAKnownOutcome() throws Exception {
        MailAttempts attempts = log(
                "2026-12-03 18:41:30,100" + STARTED,
                "2026-12-03 18:41:32,600" + SENDER + "sending the mail to ops@apimeter.test (notification 7, attempt 1)",
                "2026-12-03 18:41:32,650" + SENDER + "the mail to ops@apimeter.test delivered (accepted by the mail server)",
                "2026-12-03 18:42:10,000" + STARTED,
                // another recipient's attempt cut short says nothing about this one
                "2026-12-03 18:42:11,000" + SENDER + "sending the mail to ops@c-1.test (notification 8, attempt 1)",
                "2026-12-03 18:42:20,000" + STARTED);
        assertNull(attempts.inDoubt(ALERT, "ops@apimeter.test", List.of()));
        assertNotNull(attempts.inDoubt(ALERT, "ops@c-1.test", List.of()));
    }

    private MailAttempts log(String... lines) throws Exception {
        Path file = dir.resolve("harness-alert.log");
        Files.write(file, List.of(lines));
        return MailAttempts.read(file);
    }
}
