package io.apimeter.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run of {@link FaultHarnessIT} found: its counts (calls answered, log rows, dead letters, alerts,
 * mails...), every mismatch between what the gateway answered and what the services hold, and each fault with
 * its timestamps. Printed at the end of every run; the long run also writes it to {@code docs/reliability.md}.
 */
final class HarnessReport {
    /** One fault as it was done: when, to what, when it was undone, when the platform had recovered. */
    record Fault(String fault, String target, Instant started, Instant restored, Instant recovered,
                 int callsWhileDown, String details) {
    }

    static final String HEADER = """
            # Reliability: the fault harness

            `e2e-tests/src/test/java/io/apimeter/e2e/FaultHarnessIT.java` runs the whole platform as separate
            processes and breaks it under steady load, then checks that no call was lost or counted twice anywhere.

            - **Processes**: gateway-service, usage-recorder-service, aggregation-service, two replicas of quota-service
              (same database, same consumer group) and alert-service, each its packaged `quarkus-run.jar`; the Kafka
              broker (`LocalKafka`) and the PostgreSQL of the consumers' databases (`LocalPostgres`) as processes of
              `tools/local-platform`, with data directories of the run, so that they can be killed or stopped and
              started again on the same ports and data. The gateway's own database is a separate PostgreSQL (started by
              the test JVM), so that the database outage hits the consumers, not the proxy. GreenMail (SMTP), the provider
              simulator and the mock identity provider run in the test JVM.
            - **Load**: about 56 call slots a second (about 64 calls a second) over four customers, each with quotas
              and a contact address: OpenAI chat whole and streamed (one call in 20 failed by the provider with a 500),
              ElevenLabs text-to-speech, Smartflo click-to-call followed by its call record on the gateway's webhook.
              Every call is found again in the usage log by the model it named (a unique date-like suffix the
              gateway prices as the model's family) or, for Smartflo, by the event id derived from its call id.
            - **Faults**, in turn, while the load goes on, each checked to have happened (the process is gone, its
              port refuses connections, calls were answered meanwhile) and followed by a wait for recovery
              (readiness endpoints, consumer groups committing again): (1) SIGKILL of each consumer service
              (recorder, aggregation, one quota-service replica, alert-service) and a restart; (2) SIGTERM and
              restart of each consumer service while events flow; (3) PostgreSQL stopped for 15 s; (4) the Kafka
              broker killed (SIGKILL) and started again; (5) the SMTP server down for 30 s while alerts fire.
            - **Checks**, once the load stopped and every consumer group has caught up: every call the gateway
              answered is in the usage log exactly once with its quantities; per customer, aggregation-service's
              summary and quota-service's status (calls, tokens, characters, seconds, cost) equal the sums over the
              log; no record on any dead-letter topic; exactly the WARNING / EXCEEDED alerts the usage implies, each
              mailed exactly once to the admin and to the customer's contact; no 5xx from the gateway except the
              provider's own.

            The short version runs in `./mvnw verify` (one round of faults). The long version runs until at least the
            given number of calls was answered, cycling the faults (one consumer at a time), and writes its counts
            below:

            ```bash
            ./mvnw -B -DskipTests install && ./mvnw -B verify -pl e2e-tests -Dit.test=FaultHarnessIT -Dapimeter.harness.calls=10000
            ```

            Service logs of a run: `e2e-tests/target/e2e-logs/harness/`.
            """;

    private final Map<String, Object> counts = new LinkedHashMap<>();
    private final List<String> mismatches = new ArrayList<>();
    private final List<Fault> faults;

    HarnessReport(List<Fault> faults) {
        this.faults = List.copyOf(faults);
    }

    void count(String name, Object value) {
        counts.put(name, value);
    }

    void mismatch(String what) {
        mismatches.add(what);
    }

    boolean clean() {
        return mismatches.isEmpty();
    }

    List<String> mismatches() {
        return List.copyOf(mismatches);
    }

    /** For the console: counts, faults, then the mismatches (the first {@code limit}). */
    String text(int limit) {
        StringBuilder text = new StringBuilder("\n==== fault harness: final counts ====\n");
        counts.forEach((name, value) -> text.append(String.format(java.util.Locale.ROOT, "%-58s %s%n", name, value)));
        text.append("---- faults ----\n");
        for (Fault fault : faults) {
            text.append(String.format(java.util.Locale.ROOT, "%s %-28s %-34s restored after %s, recovered after %s, %d calls answered while"
                            + " down; %s%n", fault.started().truncatedTo(ChronoUnit.MILLIS), fault.fault(),
                    fault.target(), seconds(fault.started(), fault.restored()),
                    seconds(fault.started(), fault.recovered()), fault.callsWhileDown(), fault.details()));
        }
        text.append("---- mismatches: ").append(mismatches.size()).append(" ----\n");
        mismatches.stream().limit(limit).forEach(m -> text.append("  ").append(m).append('\n'));
        if (mismatches.size() > limit) {
            text.append("  ... and ").append(mismatches.size() - limit).append(" more\n");
        }
        return text.toString();
    }

    /** Writes the header and this run's counts to {@code file} (docs/reliability.md), replacing what was there. */
    void write(Path file, Instant started, Duration took, String revision) throws IOException {
        StringBuilder md = new StringBuilder(HEADER);
        md.append("\n## Latest long run\n\n");
        md.append("Started ").append(started.truncatedTo(ChronoUnit.SECONDS)).append(", took ")
                .append(took.toSeconds()).append(" s, revision `").append(revision).append("`. Verdict: **")
                .append(clean() ? "no mismatch" : mismatches.size() + " mismatches").append("**.\n\n");
        md.append("| count | value |\n|---|---|\n");
        counts.forEach((name, value) -> md.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        md.append("\n### Faults\n\n| started (UTC) | fault | target | restored after | recovered after | calls while down"
                + " | details |\n|---|---|---|---|---|---|---|\n");
        for (Fault fault : faults) {
            md.append("| ").append(fault.started().truncatedTo(ChronoUnit.MILLIS)).append(" | ").append(fault.fault())
                    .append(" | ").append(fault.target()).append(" | ").append(seconds(fault.started(), fault.restored()))
                    .append(" | ").append(seconds(fault.started(), fault.recovered())).append(" | ")
                    .append(fault.callsWhileDown()).append(" | ").append(fault.details().replace("|", "/"))
                    .append(" |\n");
        }
        md.append("\n### Mismatches\n\n");
        if (mismatches.isEmpty()) {
            md.append("None.\n");
        } else {
            mismatches.stream().limit(40).forEach(m -> md.append("- ").append(m.replace("|", "/")).append('\n'));
            if (mismatches.size() > 40) {
                md.append("- ... and ").append(mismatches.size() - 40).append(" more (see the test's output)\n");
            }
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    private static String seconds(Instant from, Instant to) {
        if (from == null || to == null) {
            return "-";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", Duration.between(from, to).toMillis() / 1000.0);
    }
}
