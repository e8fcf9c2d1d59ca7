package io.apimeter.e2e;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import io.apimeter.e2e.HarnessLoad.Answer;
import io.apimeter.e2e.HarnessLoad.Customer;
import io.apimeter.e2e.HarnessLoad.Kind;
import io.apimeter.e2e.HarnessReport.Fault;
import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.SimulatorOptions;
import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.FreePorts;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fault harness: the whole platform as separate processes under steady load through the gateway, broken in
 * turn (consumers killed and terminated, PostgreSQL stopped, the broker killed, the SMTP server down), then checked
 * end to end: every call the gateway answered is in the usage log exactly once, every summary and quota counter
 * equals the log, nothing on a dead-letter topic, every alert mailed once to each recipient (a repeat only where
 * SMTP cannot tell: an attempt cut short by a SIGKILL or under way at the SMTP stop, and then as the same message).
 *
 * <p>The short version (one round of faults, all consumers at once per fault kind) runs in {@code ./mvnw verify}.
 * The long version, {@code -Dapimeter.harness.calls=10000}, cycles the faults one consumer at a time until that many
 * calls were answered and writes its counts to {@code docs/reliability.md}. See that file for the whole picture.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultHarnessIT {
    private static final Logger LOG = Logger.getLogger(FaultHarnessIT.class.getName());
    private static final String ADMIN_EMAIL = "ops@apimeter.test";
    /** The long run: at least this many calls answered while the faults cycle; 0 for the short run. */
    private static final long TARGET_CALLS = Long.getLong("apimeter.harness.calls", 0L);
    private static final boolean LONG_RUN = TARGET_CALLS > 0;
    /** Call slots a second; a click-to-call slot makes two calls (with its call record): about 1.15 calls a slot. */
    private static final double SLOTS_PER_SECOND = Double.parseDouble(System.getProperty("apimeter.harness.rate", "56"));
    private static final double CALLS_PER_SLOT = 1.15;
    private static final int CUSTOMERS = 4;
    private static final Duration PG_OUTAGE = Duration.ofSeconds(15);
    private static final Duration SMTP_OUTAGE = Duration.ofSeconds(20);
    private static final Duration BROKER_OUTAGE = Duration.ofSeconds(Long.getLong("apimeter.harness.broker-outage-seconds", 10));
    /** How long the short run's load is expected to last: quotas are sized on it, so that thresholds are crossed. */
    private static final Duration SHORT_LOAD = Duration.ofSeconds(190);
    /** How long one round of faults of the long run lasts, about (one consumer at a time). */
    private static final Duration LONG_CYCLE = Duration.ofMinutes(10);
    private static final Duration STARTUP = Duration.ofMinutes(3);
    /** Patience for a service to be ready, or a consumer group to commit again, after a fault was undone. */
    private static final Duration RECOVERY = Duration.ofMinutes(3);
    private static final List<String> CONSUMERS = List.of("recorder", "aggregation", "quota-a", "quota-b", "alert");
    private static final Map<String, String> GROUPS = Map.of("recorder", "usage-recorder-service",
            "aggregation", "aggregation-service", "quota-a", "quota-service", "quota-b", "quota-service",
            "alert", "alert-service");
    private static final String USAGE_EVENTS = "usage-events";
    private static final List<String> DIMENSIONS = List.of("OPENAI_TOKENS", "ELEVENLABS_CHARACTERS", "SMARTFLO_MINUTES",
            "TOTAL_COST_USD");
    private static final Map<String, String> QUOTA_FIELDS = Map.of("OPENAI_TOKENS", "openaiTokens",
            "ELEVENLABS_CHARACTERS", "elevenlabsCharacters", "SMARTFLO_MINUTES", "smartfloMinutes",
            "TOTAL_COST_USD", "totalCostUsd");

    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final List<Fault> faults = new ArrayList<>();
    /** What went wrong with the faults themselves or the recovery from them: reported as mismatches. */
    private final List<String> problems = new ArrayList<>();
    private final List<ReceivedMail> mailsOfEarlierSmtp = new ArrayList<>();
    /** When the SMTP server was stopped: a mail under way then may have been stored without its sender hearing so. */
    private final List<Instant> smtpStops = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private Path root;
    private Path work;
    private PlatformProcess kafka;
    private PlatformProcess postgres;
    private EmbeddedPostgresServer gatewayDatabase;
    private ProviderSimulator simulator;
    private volatile GreenMail smtp;
    private int kafkaPort;
    private int postgresPort;
    private int smtpPort;
    private HarnessLoad load;
    private List<Customer> customers;
    /** Per customer, the quota as last PUT (limits by field name). */
    private final Map<String, Map<String, Object>> quotas = new LinkedHashMap<>();
    /** Customer and dimension without a limit, lowered below usage during an SMTP outage so that alerts fire then. */
    private final List<String[]> reservedForMailOutage = new ArrayList<>();

    @BeforeAll
    void startPlatform() throws IOException {
        root = ServiceEnvironment.root();
        Path target = root.resolve("e2e-tests/target");
        work = target.resolve("harness-" + run);
        Path logs = target.resolve("e2e-logs/harness");
        Path pgWork = Path.of(System.getProperty("apimeter.testkit.dir", target.resolve("test-kit").toString()))
                .resolve("pg-work");
        phase("start: Kafka and PostgreSQL as processes, the gateway's database, simulator, SMTP (run " + run + ")");
        if (Files.isDirectory(logs)) {
            try (var old = Files.list(logs)) {
                for (Path log : old.toList()) {
                    Files.deleteIfExists(log); // this run's logs only
                }
            }
        }
        kafkaPort = FreePorts.next();
        kafka = new PlatformProcess(root, "kafka", "io.apimeter.local.LocalKafka", List.of("--data",
                work.resolve("kafka").toString(), "--port", String.valueOf(kafkaPort), "--controller-port",
                String.valueOf(FreePorts.next())), logs);
        postgresPort = FreePorts.next();
        postgres = new PlatformProcess(root, "postgres", "io.apimeter.local.LocalPostgres", List.of("--data",
                work.resolve("postgres").toString(), "--work", pgWork.toString(), "--port", String.valueOf(postgresPort),
                "--databases", "recorder,aggregation,quota,alert"), logs);
        kafka.start();
        postgres.start();
        gatewayDatabase = EmbeddedPostgresServer.start(pgWork, work.resolve("gateway-postgres"), 0, false);
        String gatewayDb = gatewayDatabase.createDatabase("gateway");
        simulator = ProviderSimulator.start(SimulatorOptions.defaults());
        smtp = ServiceEnvironment.startSmtp(FreePorts.next());
        smtpPort = smtp.getSmtp().getPort();
        kafka.awaitReady(STARTUP);
        postgres.awaitReady(STARTUP);

        phase("start: gateway, recorder, aggregation, quota-service x2, alert-service as processes");
        Map<String, String> common = ServiceEnvironment.common("127.0.0.1:" + kafkaPort);
        Map<String, String> gateway = ServiceEnvironment.gateway(common, gatewayDb, simulator.openAiBaseUrl(),
                work.resolve("gateway-spool"));
        gateway.put("ELEVENLABS_BASE_URL", simulator.elevenLabsBaseUrl());
        gateway.put("SMARTFLO_BASE_URL", simulator.smartfloBaseUrl());
        Map<String, String> quota = ServiceEnvironment.service(common, consumerDb("quota"));
        services.put("gateway", new ServiceProcess(root, "gateway-service", "harness-gateway", FreePorts.next(), gateway, logs));
        services.put("recorder", new ServiceProcess(root, "usage-recorder-service", "harness-recorder", FreePorts.next(),
                ServiceEnvironment.service(common, consumerDb("recorder")), logs));
        services.put("aggregation", new ServiceProcess(root, "aggregation-service", "harness-aggregation",
                FreePorts.next(), ServiceEnvironment.service(common, consumerDb("aggregation")), logs));
        services.put("quota-a", new ServiceProcess(root, "quota-service", "harness-quota-a", FreePorts.next(), quota, logs));
        services.put("quota-b", new ServiceProcess(root, "quota-service", "harness-quota-b", FreePorts.next(), quota, logs));
        services.put("alert", new ServiceProcess(root, "alert-service", "harness-alert", FreePorts.next(),
                ServiceEnvironment.alert(common, consumerDb("alert"), smtpPort, ADMIN_EMAIL), logs));
        services.values().forEach(ServiceProcess::start);
        for (ServiceProcess service : services.values()) {
            awaitReady(service, STARTUP);
        }
    }

    @AfterAll
    void stopPlatform() throws InterruptedException {
        if (load != null) {
            load.stop(Duration.ofSeconds(5));
        }
        services.values().forEach(ServiceProcess::stop);
        for (AutoCloseable closeable : new AutoCloseable[] {kafka, postgres, gatewayDatabase, simulator}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                LOG.warning("cannot stop " + closeable + ": " + e);
            }
        }
        if (smtp != null) {
            smtp.stop();
        }
        ServiceEnvironment.deleteQuietly(work); // the service logs stay in target/e2e-logs/harness
    }

    @Test
    void shouldLoseNoCallAndDoubleNothingWhateverBreaksUnderLoad() throws Exception {
        Instant started = Instant.now();
        long plannedSlots = LONG_RUN ? Math.max((long) (TARGET_CALLS / CALLS_PER_SLOT),
                (long) (SLOTS_PER_SECOND * LONG_CYCLE.toSeconds())) : (long) (SLOTS_PER_SECOND * SHORT_LOAD.toSeconds());
        phase("onboarding " + CUSTOMERS + " customers with contacts, provider keys and quotas ("
                + (LONG_RUN ? "long run: until " + TARGET_CALLS + " calls are answered" : "short run") + ")");
        customers = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            customers.add(onboard("h" + run + "-c" + i));
        }
        awaitContactsKnownToAlertService();
        setInitialQuotas(plannedSlots);

        phase(String.format(java.util.Locale.ROOT, "load: %.0f call slots/s (about %.0f calls/s) over %d customers",
                SLOTS_PER_SECOND, SLOTS_PER_SECOND * CALLS_PER_SLOT, CUSTOMERS));
        load = new HarnessLoad(url("gateway"), customers, simulator);
        load.start(SLOTS_PER_SECOND);
        await("warm-up calls").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> load.answered() >= SLOTS_PER_SECOND * 5);
        awaitConsuming(usageGroups(CONSUMERS), RECOVERY);

        int cycle = 0;
        try {
            do {
                cycle++;
                faultCycle(cycle);
                LOG.info(load.answered() + " calls answered so far");
            } while (LONG_RUN && load.answered() < TARGET_CALLS);
        } catch (Exception | AssertionError e) {
            problem("the faults stopped in cycle " + cycle + ": " + e);
        }

        phase("load stops after " + load.answered() + " calls answered");
        load.stop(Duration.ofMinutes(1));
        Instant loadStopped = Instant.now();

        HarnessReport report = verify(started, loadStopped);
        Duration took = Duration.between(started, Instant.now());
        System.out.println(report.text(60));
        System.out.printf("fault harness took %d s (load %d s)%n", took.toSeconds(),
                Duration.between(started, loadStopped).toSeconds());
        if (LONG_RUN) {
            Path file = root.resolve("docs/reliability.md");
            report.write(file, started, took, revision());
            LOG.info(() -> "counts written to " + file);
        }
        assertTrue(report.clean(), report.mismatches().size() + " mismatches after the faults; first ones:\n"
                + String.join("\n", report.mismatches().stream().limit(30).toList()));
    }

    // ---- faults ------------------------------------------------------------------------------------------

    /** One round of the five faults; the long run takes the consumers one at a time, the short run all at once. */
    private void faultCycle(int cycle) throws Exception {
        String quotaKilled = cycle % 2 == 1 ? "quota-a" : "quota-b";
        String quotaTerminated = cycle % 2 == 1 ? "quota-b" : "quota-a";
        List<String> killed = List.of("recorder", "aggregation", quotaKilled, "alert");
        List<String> terminated = List.of("recorder", "aggregation", quotaTerminated, "alert");
        if (LONG_RUN) {
            for (String service : killed) {
                crash(cycle, List.of(service), true);
            }
            for (String service : terminated) {
                crash(cycle, List.of(service), false);
            }
        } else {
            crash(cycle, killed, true);
            crash(cycle, terminated, false);
        }
        postgresOutage(cycle);
        brokerOutage(cycle);
        smtpOutage(cycle);
    }

    /**
     * Fault 1 (SIGKILL) or 2 (SIGTERM) of the given consumer services at once, while events flow to them: each
     * process must be gone and its port closed; they start again, must become ready, and their consumer groups must
     * commit again.
     */
    private void crash(int cycle, List<String> targets, boolean kill) {
        String fault = (kill ? "1 SIGKILL" : "2 SIGTERM") + " (cycle " + cycle + ")";
        phase(fault + " of " + targets + " under load");
        Set<String> groups = usageGroups(targets);
        if (!groups.isEmpty()) {
            Instant consuming = Instant.now();
            awaitConsuming(groups, Duration.ofMinutes(1)); // events are flowing to them: the stop lands mid-batch
            LOG.info(() -> groups + " seen committing (checked in " + Duration.between(consuming, Instant.now())
                    .toMillis() + " ms); now the " + (kill ? "kill" : "stop"));
        }
        Map<String, Long> pids = new LinkedHashMap<>();
        targets.forEach(t -> pids.put(t, services.get(t).pid()));
        Instant started = Instant.now();
        long down = System.nanoTime();
        Map<String, Integer> exits = new LinkedHashMap<>();
        if (kill) {
            for (String target : targets) {
                services.get(target).kill();
                exits.put(target, services.get(target).isAlive() ? -1 : services.get(target).exitValue());
            }
        } else {
            Map<String, CompletableFuture<Integer>> stopping = new LinkedHashMap<>();
            targets.forEach(t -> stopping.put(t, CompletableFuture.supplyAsync(
                    () -> services.get(t).terminate(Duration.ofSeconds(60)))));
            stopping.forEach((t, exit) -> exits.put(t, exit.join()));
        }
        for (String target : targets) {
            ServiceProcess service = services.get(target);
            long pid = pids.get(target);
            check(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), fault + ": " + target + " pid " + pid
                    + " still runs");
            check(!kill || exits.get(target) == 137, fault + ": " + target + " exited with " + exits.get(target)
                    + ", not 137 (SIGKILL)");
            check(kill || exits.get(target) != -1, fault + ": " + target + " did not stop within 60 s of SIGTERM");
            check(ServiceEnvironment.refused(service.port()), fault + ": " + target + "'s port " + service.port() + " still accepts");
        }
        LOG.info(() -> "stopped " + pids + ", exit codes " + exits + "; starting them again");
        targets.forEach(t -> services.get(t).start());
        try {
            for (String target : targets) {
                awaitReady(services.get(target), RECOVERY);
            }
        } catch (RuntimeException e) {
            problem(fault + ": not ready again: " + e.getMessage());
        }
        long up = System.nanoTime();
        Instant restored = Instant.now();
        int calls = load.answeredBetween(down, up);
        check(calls > 0, fault + ": no call was answered while " + targets + " were down");
        awaitConsuming(groups, RECOVERY);
        Instant recovered = Instant.now();
        for (String target : targets) {
            faults.add(new Fault(kill ? "SIGKILL + restart" : "SIGTERM + restart", target, started, restored,
                    recovered, calls, "pid " + pids.get(target) + " exit " + exits.get(target) + ", new pid "
                    + (services.get(target).isAlive() ? services.get(target).pid() : -1)));
        }
    }

    /** Fault 3: PostgreSQL of the consumers stopped (SIGTERM: a clean shutdown) for 15 s, then started again. */
    private void postgresOutage(int cycle) {
        String fault = "3 PostgreSQL down " + PG_OUTAGE.toSeconds() + " s (cycle " + cycle + ")";
        phase(fault);
        long pid = postgres.pid();
        Instant started = Instant.now();
        int exit = postgres.terminate(Duration.ofSeconds(60));
        check(!postgres.isAlive(), fault + ": LocalPostgres pid " + pid + " still runs");
        check(awaitRefused(postgresPort), fault + ": PostgreSQL's port " + postgresPort + " still accepts connections");
        long down = System.nanoTime();
        hold(PG_OUTAGE, () -> ServiceEnvironment.refused(postgresPort), fault + ": PostgreSQL's port accepted a connection while stopped");
        long up = System.nanoTime();
        int calls = load.answeredBetween(down, up);
        check(calls > 0, fault + ": no call was answered while PostgreSQL was down");
        postgres.start();
        postgres.awaitReady(RECOVERY);
        Instant restored = Instant.now();
        Instant recovered = awaitAllRecovered(fault);
        faults.add(new Fault("PostgreSQL stopped " + PG_OUTAGE.toSeconds() + " s", "postgres :" + postgresPort, started,
                restored, recovered, calls, "pid " + pid + " exit " + exit + ", new pid " + postgres.pid()));
    }

    /** Fault 4: the Kafka broker killed (SIGKILL), kept away a while, then started on the same ports and data. */
    private void brokerOutage(int cycle) throws Exception {
        String fault = "4 Kafka broker SIGKILL (cycle " + cycle + ")";
        phase(fault + ", away " + BROKER_OUTAGE.toSeconds() + " s");
        long pid = kafka.pid();
        Instant started = Instant.now();
        int exit = kafka.kill();
        check(exit == 137, fault + ": the broker exited with " + exit + ", not 137 (SIGKILL)");
        check(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), fault + ": broker pid " + pid + " still runs");
        check(ServiceEnvironment.refused(kafkaPort), fault + ": the broker's port " + kafkaPort + " still accepts connections");
        long down = System.nanoTime();
        hold(BROKER_OUTAGE, () -> ServiceEnvironment.refused(kafkaPort), fault + ": the broker's port accepted a connection while killed");
        double waiting = gatewayMetric("apimeter_gateway_usage_events_waiting", "");
        check(waiting > 0, fault + ": the gateway's spool held no event while the broker was away");
        long up = System.nanoTime();
        int calls = load.answeredBetween(down, up);
        check(calls > 0, fault + ": no call was answered while the broker was away");
        kafka.start();
        kafka.awaitReady(RECOVERY);
        Instant restored = Instant.now();
        Instant recovered = awaitAllRecovered(fault);
        faults.add(new Fault("Kafka broker SIGKILL", "kafka :" + kafkaPort, started, restored, recovered, calls,
                "pid " + pid + " exit " + exit + ", " + (long) waiting + " events in the gateway's spool at the end"
                        + " of the outage, new pid " + kafka.pid()));
    }

    /**
     * Fault 5: the SMTP server down for 30 s while alerts fire (a limit lowered below usage fires its WARNING and
     * EXCEEDED at once); alert-service must have tried and failed to send while it was down, and send each mail
     * once it is back.
     */
    private void smtpOutage(int cycle) {
        String fault = "5 SMTP down " + SMTP_OUTAGE.toSeconds() + " s (cycle " + cycle + ")";
        phase(fault);
        Instant started = Instant.now();
        // The stop throws the server's mailbox away: keep hold of it, and read it once the server is stopped, so
        // that a mail accepted in the last moment before the stop counts too.
        var mailbox = smtp.getManagers().getImapHostManager();
        smtpStops.add(Instant.now());
        smtp.stop();
        mailsOfEarlierSmtp.addAll(ReceivedMail.of(mailbox.getAllMessages().stream()
                .map(com.icegreen.greenmail.store.StoredMessage::getMimeMessage)
                .toArray(jakarta.mail.internet.MimeMessage[]::new)));
        check(ServiceEnvironment.refused(smtpPort), fault + ": the SMTP port " + smtpPort + " still accepts connections");
        long down = System.nanoTime();
        String lowered = lowerALimitBelowUsage();
        hold(SMTP_OUTAGE, () -> ServiceEnvironment.refused(smtpPort), fault + ": the SMTP port accepted a connection while down");
        long failedSends = notifications().stream()
                .filter(n -> "EMAIL".equals(n.get("channel")) && "PENDING".equals(n.get("status"))
                        && n.get("lastError") != null)
                .count();
        check(failedSends > 0, fault + ": alert-service tried no mail while the SMTP server was down (" + lowered + ")");
        long up = System.nanoTime();
        int calls = load.answeredBetween(down, up);
        check(calls > 0, fault + ": no call was answered while the SMTP server was down");
        smtp = ServiceEnvironment.startSmtp(smtpPort);
        Instant restored = Instant.now();
        Instant recovered = restored;
        try {
            awaitReady(services.get("alert"), RECOVERY);
            recovered = Instant.now();
        } catch (RuntimeException e) {
            problem(fault + ": alert-service not ready: " + e.getMessage());
        }
        faults.add(new Fault("SMTP down " + SMTP_OUTAGE.toSeconds() + " s", "greenmail :" + smtpPort, started, restored,
                recovered, calls, failedSends + " mails waiting with a send error at the end of the outage; " + lowered));
    }

    // ---- verification ------------------------------------------------------------------------------------

    private HarnessReport verify(Instant started, Instant loadStopped) throws Exception {
        phase("drain: the gateway's spool, then every consumer group to the end of its topics");
        Map<String, Long> lags = new LinkedHashMap<>();
        try {
            await("the gateway's spool sent").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> gatewayMetric("apimeter_gateway_usage_events_waiting", "") == 0);
        } catch (ConditionTimeoutException e) {
            problem("the gateway's spool still holds events 2 minutes after the load stopped");
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        try (Admin admin = admin()) {
            for (String[] groupTopic : new String[][] {{"usage-recorder-service", USAGE_EVENTS},
                    {"aggregation-service", USAGE_EVENTS}, {"quota-service", USAGE_EVENTS},
                    {"alert-service", "alert-events"}, {"alert-service", "customers"}}) {
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(5).toNanos()));
                try {
                    ConsumerGroups.awaitCaughtUp(admin, groupTopic[0], groupTopic[1], left);
                } catch (ConditionTimeoutException e) {
                    problem(groupTopic[0] + " has not caught up with " + groupTopic[1]);
                }
                lags.put(groupTopic[0] + " on " + groupTopic[1], ConsumerGroups.lag(admin, groupTopic[0], groupTopic[1]));
            }
        }
        phase("drain: every alert mail sent (alert-service retries with backoff)");
        try {
            await("no alert mail pending").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().until(() -> notifications().stream()
                            .noneMatch(n -> "PENDING".equals(n.get("status"))));
        } catch (ConditionTimeoutException e) {
            problem("alert notifications still pending 4 minutes after the last fault");
        }

        phase("check: calls against the usage log, summaries, quota counters, dead letters, alerts and mails");
        HarnessReport[] last = new HarnessReport[1];
        try {
            await("a clean report").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(5))
                    .ignoreExceptions().until(() -> {
                        last[0] = report(started, loadStopped, lags);
                        return last[0].clean();
                    });
        } catch (ConditionTimeoutException e) {
            if (last[0] == null) {
                last[0] = report(started, loadStopped, lags);
            }
        }
        return last[0];
    }

    private HarnessReport report(Instant started, Instant loadStopped, Map<String, Long> lags) throws Exception {
        HarnessReport report = new HarnessReport(faults);
        problems.forEach(p -> report.mismatch("fault: " + p));
        List<Answer> answers = load.answers();
        report.count("run", run + (LONG_RUN ? " (long, target " + TARGET_CALLS + " calls)" : " (short)"));
        report.count("load duration", Duration.between(started, loadStopped).toSeconds() + " s");
        report.count("call slots", load.slots());
        report.count("calls answered", answers.stream().filter(Answer::answered).count());
        Map<Kind, Long> byKind = new TreeMap<>(answers.stream().filter(Answer::answered)
                .collect(Collectors.groupingBy(Answer::kind, Collectors.counting())));
        report.count("calls answered by kind", byKind);
        report.count("calls without an answer", answers.stream().filter(a -> !a.answered()).count());
        report.count("provider errors answered (injected 500s)", answers.stream()
                .filter(a -> a.providerError() && a.status() == 500).count());
        long gateway5xx = answers.stream().filter(a -> a.status() >= 500 && !a.providerError()).count();
        report.count("5xx answered by the gateway itself", gateway5xx);
        report.count("most calls waiting for a load thread", load.maxBacklog());
        answers.stream().filter(a -> a.problem() != null).forEach(a -> report.mismatch("call " + a.kind() + " slot "
                + a.slot() + " of " + a.customer() + ": " + a.problem()));

        // The usage log against the calls answered: each exactly once, with its quantities.
        Map<String, List<Map<String, Object>>> logs = new LinkedHashMap<>();
        try {
            for (Customer customer : customers) {
                logs.put(customer.id(), usageLog(customer.id()));
            }
        } catch (RuntimeException | AssertionError e) {
            report.mismatch("cannot read the usage log: " + e);
            return report;
        }
        long rows = logs.values().stream().mapToLong(List::size).sum();
        report.count("usage log rows", rows);
        int[] logMismatches = checkUsageLog(answers, logs, report);
        report.count("calls missing from the usage log", logMismatches[0]);
        report.count("calls in the usage log more than once", logMismatches[1]);
        report.count("calls with other quantities in the usage log", logMismatches[2]);
        report.count("usage log rows of no call made", logMismatches[3]);

        // Per customer, summaries and quota counters against the sums over the log.
        int counterMismatches = 0;
        Map<String, Sums> sums = new LinkedHashMap<>();
        for (Customer customer : customers) {
            Sums log = Sums.of(logs.get(customer.id()));
            sums.put(customer.id(), log);
            try {
                counterMismatches += checkSummary(customer.id(), log, report);
            } catch (RuntimeException | AssertionError e) {
                counterMismatches++;
                report.mismatch(customer.id() + ": cannot read the summary: " + e);
            }
            try {
                counterMismatches += checkQuotaStatus(customer.id(), log, report);
            } catch (RuntimeException | AssertionError e) {
                counterMismatches++;
                report.mismatch(customer.id() + ": cannot read the quota status: " + e);
            }
        }
        report.count("summary and quota figures unlike the log", counterMismatches);
        report.count("log totals (calls/errors/tokens/characters/seconds/cost)", sums.values().stream()
                .reduce(Sums.ZERO, Sums::plus).text());
        List<Answer> metered = answers.stream().filter(Answer::answered).toList();
        // A call record answered is not a call of its own: it bills the seconds of the click-to-call before it.
        report.count("answered totals (calls/errors/tokens/characters/seconds)", metered.stream()
                .filter(a -> a.kind() != Kind.CALL_RECORD).count() + " / "
                + metered.stream().filter(Answer::providerError).count() + " / "
                + metered.stream().mapToLong(a -> a.inputTokens() + a.outputTokens()).sum() + " / "
                + metered.stream().mapToLong(Answer::characters).sum() + " / "
                + metered.stream().mapToLong(Answer::seconds).sum());

        // Dead letters and consumer lag.
        Map<String, Long> deadLetters = deadLetters();
        long dead = deadLetters.values().stream().mapToLong(Long::longValue).sum();
        report.count("dead letters", dead + " " + deadLetters);
        deadLetters.forEach((topic, count) -> {
            if (count > 0) {
                report.mismatch(count + " records on " + topic);
            }
        });
        report.count("consumer lag after the drain", lags);
        lags.forEach((group, lag) -> {
            if (lag != 0) {
                report.mismatch(group + ": lag " + lag + " after the drain");
            }
        });
        double failed = gatewayMetric("apimeter_gateway_usage_events_total", "result=\"failed\"");
        report.count("usage events the gateway lost (spool full)", (long) failed);
        if (failed > 0) {
            report.mismatch("the gateway counts " + (long) failed + " usage events lost");
        }

        // Alerts: exactly those the usage implies, each mailed once to each recipient.
        try {
            checkAlertsAndMails(sums, report);
        } catch (RuntimeException | AssertionError e) {
            report.mismatch("cannot read the alerts: " + e);
        }
        return report;
    }

    /** Returns {missing, doubled, wrong, unexpected}. */
    private int[] checkUsageLog(List<Answer> answers, Map<String, List<Map<String, Object>>> logs,
                                HarnessReport report) {
        int missing = 0;
        int doubled = 0;
        int wrong = 0;
        Map<String, List<Map<String, Object>>> byModel = new HashMap<>();
        Map<String, Map<String, Object>> byEventId = new HashMap<>();
        Map<String, List<Map<String, Object>>> clicks = new HashMap<>();
        Set<String> matched = new HashSet<>();
        for (var entry : logs.entrySet()) {
            for (Map<String, Object> row : entry.getValue()) {
                byEventId.put(String.valueOf(row.get("eventId")), row);
                if ("click-to-call".equals(row.get("operation"))) {
                    clicks.computeIfAbsent(entry.getKey() + " " + Instant.parse((String) row.get("occurredAt")),
                            k -> new ArrayList<>()).add(row);
                } else if (row.get("model") != null) {
                    byModel.computeIfAbsent(entry.getKey() + " " + row.get("model"), k -> new ArrayList<>()).add(row);
                }
            }
        }
        Map<String, Long> clicksAnswered = new HashMap<>();
        for (Answer answer : answers) {
            String call = answer.kind() + " slot " + answer.slot() + " of " + answer.customer();
            switch (answer.kind()) {
                case CHAT, CHAT_ERROR, CHAT_STREAM, SPEECH -> {
                    List<Map<String, Object>> found = byModel.getOrDefault(answer.customer() + " " + answer.marker(),
                            List.of());
                    found.forEach(r -> matched.add(String.valueOf(r.get("eventId"))));
                    if (found.size() > 1) {
                        doubled++;
                        report.mismatch(call + " is " + found.size() + " times in the usage log");
                    } else if (found.isEmpty() && answer.answered()) {
                        missing++;
                        report.mismatch(call + " (model " + answer.marker() + ", answered " + answer.status()
                                + ") is missing from the usage log");
                    } else if (found.size() == 1 && answer.answered()) {
                        String difference = difference(answer, found.get(0));
                        if (difference != null) {
                            wrong++;
                            report.mismatch(call + ": " + difference);
                        }
                    }
                }
                case CLICK_TO_CALL -> {
                    if (answer.status() == 200) {
                        clicksAnswered.merge(answer.customer(), 1L, Long::sum);
                    }
                }
                case CALL_RECORD -> {
                    if (answer.status() != 200) {
                        continue;
                    }
                    Map<String, Object> row = byEventId.get(answer.callRecordEventId().toString());
                    if (row == null) {
                        missing++;
                        report.mismatch(call + " (call " + answer.marker() + ") is missing from the usage log");
                        continue;
                    }
                    matched.add(String.valueOf(row.get("eventId")));
                    String difference = difference(answer, row);
                    if (difference != null) {
                        wrong++;
                        report.mismatch(call + ": " + difference);
                    }
                    // The click-to-call that placed this call: the same customer and occurredAt.
                    List<Map<String, Object>> placed = clicks.getOrDefault(answer.customer() + " "
                            + Instant.parse((String) row.get("occurredAt")), List.of());
                    placed.forEach(r -> matched.add(String.valueOf(r.get("eventId"))));
                    if (placed.isEmpty()) {
                        missing++;
                        report.mismatch("click-to-call of " + answer.marker() + " (" + answer.customer()
                                + ") is missing from the usage log");
                    } else if (placed.size() > 1) {
                        doubled++;
                        report.mismatch("click-to-call of " + answer.marker() + " is " + placed.size()
                                + " times in the usage log");
                    }
                }
                default -> throw new IllegalStateException(answer.kind().name());
            }
        }
        // Click-to-calls whose call record was not answered are known by number only.
        for (Customer customer : customers) {
            long inLog = logs.get(customer.id()).stream().filter(r -> "click-to-call".equals(r.get("operation"))).count();
            long answered = clicksAnswered.getOrDefault(customer.id(), 0L);
            if (inLog != answered) {
                report.mismatch(customer.id() + ": " + inLog + " click-to-calls in the usage log, " + answered
                        + " answered");
            }
        }
        int unexpected = 0;
        for (var entry : logs.entrySet()) {
            for (Map<String, Object> row : entry.getValue()) {
                if (!matched.contains(String.valueOf(row.get("eventId")))
                        && !"click-to-call".equals(row.get("operation"))) {
                    unexpected++;
                    report.mismatch("a usage log row of no call made: " + row);
                }
            }
        }
        return new int[] {missing, doubled, wrong, unexpected};
    }

    /** How the row differs from the call answered, or null. */
    private static String difference(Answer answer, Map<String, Object> row) {
        String outcome = answer.providerError() ? "PROVIDER_ERROR" : "SUCCESS";
        List<String> differences = new ArrayList<>();
        compare(differences, "customerId", answer.customer(), row.get("customerId"));
        compare(differences, "outcome", outcome, row.get("outcome"));
        compare(differences, "httpStatus", (long) answer.status(), number(row, "httpStatus"));
        compare(differences, "inputTokens", answer.inputTokens(), number(row, "inputTokens"));
        compare(differences, "outputTokens", answer.outputTokens(), number(row, "outputTokens"));
        compare(differences, "characters", answer.characters(), number(row, "characters"));
        compare(differences, "callSeconds", answer.seconds(), number(row, "callSeconds"));
        if (!answer.providerError() && Boolean.TRUE.equals(row.get("unpriced"))) {
            differences.add("unpriced");
        }
        return differences.isEmpty() ? null : "the usage log says " + String.join(", ", differences);
    }

    private static void compare(List<String> differences, String field, Object expected, Object actual) {
        if (!String.valueOf(expected).equals(String.valueOf(actual))) {
            differences.add(field + " " + actual + " (expected " + expected + ")");
        }
    }

    private static long number(Map<String, Object> row, String field) {
        Object value = row.get(field);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /**
     * What the log adds up to for one customer (current month: the run is minutes long). Only the rows of requests
     * count as calls (and errors), as in aggregation-service and quota-service: the rows of a Smartflo call's record
     * (operation {@code call}, kind REPORT) and of its corrections ({@code call.adjustment}) add seconds and cost
     * only, the call itself having been counted with its click-to-call.
     */
    record Sums(long calls, long errors, long inputTokens, long outputTokens, long openAiTokens, long characters,
                long seconds, BigDecimal cost) {
        static final Sums ZERO = new Sums(0, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO);
        /** The operations of events that are not requests; the usage log names the operation, not the kind. */
        private static final Set<String> NOT_CALLS = Set.of("call", "call.adjustment");

        static Sums of(List<Map<String, Object>> rows) {
            Sums sums = ZERO;
            for (Map<String, Object> row : rows) {
                long input = number(row, "inputTokens");
                long output = number(row, "outputTokens");
                Object cost = row.get("costUsd");
                long call = countsAsCall(row) ? 1 : 0;
                long error = call == 1 && !"SUCCESS".equals(row.get("outcome")) ? 1 : 0;
                sums = sums.plus(new Sums(call, error, input, output,
                        "OPENAI".equals(row.get("provider")) ? input + output : 0, number(row, "characters"),
                        number(row, "callSeconds"), cost == null ? BigDecimal.ZERO : new BigDecimal(String.valueOf(cost))));
            }
            return sums;
        }

        /** Whether the usage log row is of a request, counted as a call: not a call's record or its correction. */
        static boolean countsAsCall(Map<String, Object> row) {
            return !NOT_CALLS.contains(String.valueOf(row.get("operation")));
        }

        Sums plus(Sums other) {
            return new Sums(calls + other.calls, errors + other.errors, inputTokens + other.inputTokens,
                    outputTokens + other.outputTokens, openAiTokens + other.openAiTokens,
                    characters + other.characters, seconds + other.seconds, cost.add(other.cost));
        }

        String text() {
            return calls + " / " + errors + " / " + (inputTokens + outputTokens) + " / " + characters + " / "
                    + seconds + " / $" + cost.stripTrailingZeros().toPlainString();
        }
    }

    private int checkSummary(String customer, Sums log, HarnessReport report) {
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        JsonPath summaries = asAdmin().get(url("aggregation") + "/summaries/{c}?months=1", customer)
                .then().statusCode(200).extract().jsonPath();
        Map<String, Object> summary = summaries.getMap("items.find { it.month == '" + month + "' }");
        if (summary == null) {
            report.mismatch(customer + ": no summary of " + month);
            return 1;
        }
        List<String> differences = new ArrayList<>();
        compare(differences, "calls", log.calls(), number(summary, "calls"));
        compare(differences, "errors", log.errors(), number(summary, "errors"));
        compare(differences, "inputTokens", log.inputTokens(), number(summary, "inputTokens"));
        compare(differences, "outputTokens", log.outputTokens(), number(summary, "outputTokens"));
        compare(differences, "characters", log.characters(), number(summary, "characters"));
        compare(differences, "callSeconds", log.seconds(), number(summary, "callSeconds"));
        compareMoney(differences, "costUsd", log.cost(), summary.get("costUsd"));
        differences.forEach(d -> report.mismatch(customer + ": summary " + d + " (from the log)"));
        return differences.size();
    }

    private int checkQuotaStatus(String customer, Sums log, HarnessReport report) {
        JsonPath status = asAdmin().get(url(aliveQuota()) + "/quotas/{c}/status", customer)
                .then().statusCode(200).extract().jsonPath();
        List<String> differences = new ArrayList<>();
        compare(differences, "calls", log.calls(), status.getLong("calls"));
        compareMoney(differences, "costUsd", log.cost(), status.getString("costUsd"));
        compare(differences, "OPENAI_TOKENS", log.openAiTokens(),
                new BigDecimal(used(status, "OPENAI_TOKENS")).toPlainString());
        compare(differences, "ELEVENLABS_CHARACTERS", log.characters(),
                new BigDecimal(used(status, "ELEVENLABS_CHARACTERS")).toPlainString());
        BigDecimal minutes = new BigDecimal(used(status, "SMARTFLO_MINUTES"));
        BigDecimal expectedMinutes = BigDecimal.valueOf(log.seconds()).divide(BigDecimal.valueOf(60), 6, RoundingMode.HALF_UP);
        if (minutes.subtract(expectedMinutes).abs().compareTo(new BigDecimal("0.000001")) > 0) {
            differences.add("SMARTFLO_MINUTES " + minutes.toPlainString() + " (expected " + expectedMinutes.toPlainString()
                    + ", " + log.seconds() + " s)");
        }
        compareMoney(differences, "TOTAL_COST_USD", log.cost(), used(status, "TOTAL_COST_USD"));
        differences.forEach(d -> report.mismatch(customer + ": quota status " + d + " (from the log)"));
        return differences.size();
    }

    private static String used(JsonPath status, String dimension) {
        return status.getString("dimensions.find { it.dimension == '" + dimension + "' }.used");
    }

    private static void compareMoney(List<String> differences, String field, BigDecimal expected, Object actual) {
        if (actual == null || expected.compareTo(new BigDecimal(String.valueOf(actual))) != 0) {
            differences.add(field + " " + actual + " (expected " + expected.stripTrailingZeros().toPlainString() + ")");
        }
    }

    /**
     * The alerts in alert-service against the thresholds the logged usage crossed under the customer's limits
     * (limits are only ever lowered, so the final ones imply every alert that fired), each exactly once; every
     * alert's mail once to each of its recipients, the admin and the customer's contact; a repeat only after an
     * attempt whose outcome SMTP could not tell, and as the same message.
     */
    private void checkAlertsAndMails(Map<String, Sums> sums, HarnessReport report) {
        List<Map<String, Object>> alerts = alerts();
        Map<String, String> contacts = customers.stream().collect(Collectors.toMap(Customer::id, Customer::contact));
        int expectedCount = 0;
        int alertMismatches = 0;
        for (Customer customer : customers) {
            Map<String, Object> quota = asAdmin().get(url(aliveQuota()) + "/quotas/{c}", customer.id())
                    .then().statusCode(200).extract().jsonPath().getMap("$");
            int warnAt = ((Number) quota.getOrDefault("warnAtPercent", 80)).intValue();
            List<String> expected = new ArrayList<>();
            for (String dimension : DIMENSIONS) {
                Object limit = quota.get(QUOTA_FIELDS.get(dimension));
                if (limit == null) {
                    continue;
                }
                BigDecimal used = used(sums.get(customer.id()), dimension);
                BigDecimal max = new BigDecimal(String.valueOf(limit));
                if (used.signum() > 0 && used.multiply(BigDecimal.valueOf(100))
                        .compareTo(max.multiply(BigDecimal.valueOf(warnAt))) >= 0) {
                    expected.add("WARNING " + dimension);
                }
                if (used.signum() > 0 && used.compareTo(max) >= 0) {
                    expected.add("EXCEEDED " + dimension);
                }
            }
            expected.sort(null);
            expectedCount += expected.size();
            List<String> actual = alerts.stream().filter(a -> customer.id().equals(a.get("customerId")))
                    .map(a -> a.get("type") + " " + a.get("dimension")).sorted().toList();
            if (!expected.equals(actual)) {
                alertMismatches++;
                report.mismatch(customer.id() + ": alerts " + actual + ", expected " + expected + " from the usage");
            }
        }
        Set<String> ours = contacts.keySet();
        alerts.stream().filter(a -> !ours.contains(String.valueOf(a.get("customerId")))).forEach(a ->
                report.mismatch("an alert of no customer of the run: " + a.get("type") + " " + a.get("customerId")
                        + " " + a.get("message")));
        report.count("alerts expected from the usage", expectedCount);
        report.count("alerts in alert-service", alerts.size());
        report.count("customers whose alerts differ", alertMismatches);

        List<ReceivedMail> mails = new ArrayList<>(mailsOfEarlierSmtp);
        mails.addAll(ReceivedMail.of(smtp.getReceivedMessages()));
        Map<String, List<ReceivedMail>> received = mails.stream().collect(Collectors.groupingBy(ReceivedMail::key));
        Set<String> expectedKeys = new HashSet<>();
        int missing = 0;
        int notSent = 0;
        for (Map<String, Object> alert : alerts) {
            String id = String.valueOf(alert.get("id")).toLowerCase(java.util.Locale.ROOT);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> notifications = (List<Map<String, Object>>) alert.get("notifications");
            Set<String> recipients = new HashSet<>();
            for (Map<String, Object> notification : notifications) {
                if (!"EMAIL".equals(notification.get("channel"))) {
                    continue;
                }
                String recipient = String.valueOf(notification.get("recipient")).toLowerCase(java.util.Locale.ROOT);
                recipients.add(recipient);
                String key = new ReceivedMail(recipient, null, id, null).key();
                expectedKeys.add(key);
                if (!"SENT".equals(notification.get("status"))) {
                    notSent++;
                    report.mismatch("alert " + id + " mail to " + recipient + " is " + notification.get("status")
                            + ": " + notification.get("lastError"));
                }
                if (received.getOrDefault(key, List.of()).isEmpty()) {
                    missing++;
                    report.mismatch("alert " + id + " (" + alert.get("type") + " " + alert.get("customerId")
                            + ") was never mailed to " + recipient);
                }
            }
            String contact = contacts.get(String.valueOf(alert.get("customerId")));
            for (String should : contact == null ? List.of(ADMIN_EMAIL) : List.of(ADMIN_EMAIL, contact)) {
                if (!recipients.contains(should)) {
                    report.mismatch("alert " + id + " (" + alert.get("type") + " " + alert.get("customerId")
                            + ") has no mail to " + should + ": " + recipients);
                }
            }
        }
        // A mail may come twice only where SMTP cannot tell: an attempt cut short by the SIGKILL of alert-service,
        // or under way when the SMTP server was stopped. Its copies must be one message (one Message-ID).
        MailAttempts attempts = MailAttempts.read(services.get("alert").log());
        int repeats = 0;
        for (Map.Entry<String, List<ReceivedMail>> entry : received.entrySet()) {
            List<ReceivedMail> copies = entry.getValue();
            if (copies.size() < 2 || !expectedKeys.contains(entry.getKey())) {
                continue;
            }
            ReceivedMail first = copies.get(0);
            Set<String> messageIds = copies.stream().map(m -> String.valueOf(m.messageId())).collect(Collectors.toSet());
            String doubt = attempts.inDoubt(first.alertId(), first.recipient(), smtpStops);
            if (doubt == null || messageIds.size() > 1) {
                report.mismatch("mailed " + copies.size() + " times: " + entry.getKey() + " (Message-IDs " + messageIds
                        + "; " + (doubt == null ? "every attempt in alert-service's log ended with a known outcome"
                        : doubt) + ")");
            } else {
                repeats += copies.size() - 1;
                LOG.info(() -> "repeated mail " + entry.getKey() + " " + messageIds + ": " + doubt);
            }
        }
        List<String> strays = received.keySet().stream().filter(k -> !expectedKeys.contains(k)).sorted().toList();
        strays.forEach(k -> report.mismatch("a mail of no alert notification: " + k));
        report.count("alert mails received", mails.size());
        report.count("alert mails expected (notifications)", expectedKeys.size());
        report.count("alert mails missing / not SENT", missing + " / " + notSent);
        report.count("alert mails repeated after an in-doubt attempt (same Message-ID)", repeats);
        report.count("mails of no notification", strays.size());
    }

    private static BigDecimal used(Sums sums, String dimension) {
        return switch (dimension) {
            case "OPENAI_TOKENS" -> BigDecimal.valueOf(sums.openAiTokens());
            case "ELEVENLABS_CHARACTERS" -> BigDecimal.valueOf(sums.characters());
            case "SMARTFLO_MINUTES" -> BigDecimal.valueOf(sums.seconds()).divide(BigDecimal.valueOf(60), 12,
                    RoundingMode.HALF_UP);
            case "TOTAL_COST_USD" -> sums.cost();
            default -> throw new IllegalArgumentException(dimension);
        };
    }

    // ---- setup of the customers ----------------------------------------------------------------------------

    private Customer onboard(String id) {
        String gateway = url("gateway");
        String contact = id + "@customer.test";
        asAdmin().contentType(ContentType.JSON).body(Map.of("id", id, "name", "Harness " + id, "email", contact))
                .post(gateway + "/admin/customers").then().statusCode(201);
        String apiKey = asAdmin().contentType(ContentType.JSON).body("{}")
                .post(gateway + "/admin/customers/{id}/api-keys", id).then().statusCode(201).extract().path("key");
        for (String provider : List.of("openai", "elevenlabs", "smartflo")) {
            asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", "sk-harness-" + provider + "-" + UUID.randomUUID()))
                    .put(gateway + "/admin/customers/{id}/credentials/{p}", id, provider).then().statusCode(200);
        }
        // Smartflo's call records are taken only at the customer's own URL, signed with this secret (shown once).
        String webhookSecret = asAdmin().post(gateway + "/admin/customers/{id}/smartflo/webhook-secret", id)
                .then().statusCode(201).extract().path("secret");
        return new Customer(id, apiKey, contact, webhookSecret);
    }

    /** alert-service has read the customers topic to its end: it knows every contact before an alert fires. */
    private void awaitContactsKnownToAlertService() throws Exception {
        try (Admin admin = admin()) {
            await("customer records").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> ConsumerGroups.ends(admin, "customers").values().stream()
                            .mapToLong(e -> e.offset()).sum() >= CUSTOMERS);
            ConsumerGroups.awaitCaughtUp(admin, "alert-service", "customers", Duration.ofMinutes(1));
        }
    }

    /**
     * Limits that the planned usage crosses at different points of the run (80% of the limit at the given share of
     * the planned usage), and dimensions left unlimited for the SMTP outage to lower.
     */
    private void setInitialQuotas(long plannedSlots) {
        Object[][] plan = {
                {0, "OPENAI_TOKENS", 0.25}, {0, "TOTAL_COST_USD", 0.6},
                {1, "ELEVENLABS_CHARACTERS", 0.4}, {1, "SMARTFLO_MINUTES", 0.8},
                {2, "OPENAI_TOKENS", 0.55}, {2, "SMARTFLO_MINUTES", 0.2},
                {3, "TOTAL_COST_USD", 0.7}, {3, "OPENAI_TOKENS", 0.95}};
        for (Customer customer : customers) {
            quotas.put(customer.id(), new LinkedHashMap<>(Map.of("warnAtPercent", 80, "enforcement", "ALERT_ONLY")));
        }
        for (Object[] entry : plan) {
            int index = (Integer) entry[0];
            String dimension = (String) entry[1];
            double share = (Double) entry[2];
            HarnessLoad.Planned planned = HarnessLoad.planned(index, CUSTOMERS, plannedSlots);
            BigDecimal factor = BigDecimal.valueOf(share / 0.8);
            Object limit = switch (dimension) {
                case "OPENAI_TOKENS" -> BigDecimal.valueOf(planned.tokens()).multiply(factor).longValue();
                case "ELEVENLABS_CHARACTERS" -> BigDecimal.valueOf(planned.characters()).multiply(factor).longValue();
                case "SMARTFLO_MINUTES" -> BigDecimal.valueOf(planned.seconds()).multiply(factor)
                        .divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_UP).toPlainString();
                default -> planned.costUsd().multiply(factor).setScale(4, RoundingMode.HALF_UP).toPlainString();
            };
            quotas.get(customers.get(index).id()).put(QUOTA_FIELDS.get(dimension), limit);
        }
        for (Customer customer : customers) {
            putQuota(customer.id());
            LOG.info(() -> "quota of " + customer.id() + ": " + quotas.get(customer.id()));
        }
        for (String[] reserved : new String[][] {{"3", "ELEVENLABS_CHARACTERS"}, {"2", "ELEVENLABS_CHARACTERS"},
                {"0", "SMARTFLO_MINUTES"}, {"1", "OPENAI_TOKENS"}, {"3", "SMARTFLO_MINUTES"}, {"0", "ELEVENLABS_CHARACTERS"},
                {"1", "TOTAL_COST_USD"}, {"2", "TOTAL_COST_USD"}}) {
            reservedForMailOutage.add(new String[] {customers.get(Integer.parseInt(reserved[0])).id(), reserved[1]});
        }
    }

    /** Lowers an unlimited dimension of a customer to half its usage: WARNING and EXCEEDED fire at once. */
    private String lowerALimitBelowUsage() {
        if (reservedForMailOutage.isEmpty()) {
            return "no dimension left to lower";
        }
        String[] next = reservedForMailOutage.remove(0);
        String customer = next[0];
        String dimension = next[1];
        JsonPath status = asAdmin().get(url(aliveQuota()) + "/quotas/{c}/status", customer)
                .then().statusCode(200).extract().jsonPath();
        BigDecimal half = new BigDecimal(used(status, dimension)).divide(BigDecimal.valueOf(2), 4, RoundingMode.DOWN);
        Object limit = switch (dimension) {
            case "OPENAI_TOKENS", "ELEVENLABS_CHARACTERS" -> Math.max(1, half.longValue());
            default -> half.max(new BigDecimal("0.01")).toPlainString();
        };
        quotas.get(customer).put(QUOTA_FIELDS.get(dimension), limit);
        putQuota(customer);
        String lowered = customer + " " + dimension + " limit lowered to " + limit;
        LOG.info(lowered);
        return lowered;
    }

    private void putQuota(String customer) {
        asAdmin().contentType(ContentType.JSON).body(quotas.get(customer))
                .put(url(aliveQuota()) + "/quotas/{c}", customer).then().statusCode(200);
    }

    // ---- reading the services ----------------------------------------------------------------------------

    /** Every row of the customer's usage log, page after page. */
    private List<Map<String, Object>> usageLog(String customer) {
        List<Map<String, Object>> rows = new ArrayList<>();
        String cursor = null;
        do {
            var request = asAdmin().queryParam("customerId", customer).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get(url("recorder") + "/usage-logs").then().statusCode(200).extract().jsonPath();
            rows.addAll(page.getList("items"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return rows;
    }

    /** Every alert in alert-service, with its notifications. */
    private List<Map<String, Object>> alerts() {
        return asAdmin().get(url("alert") + "/alerts?limit=500").then().statusCode(200).extract().jsonPath()
                .getList("items");
    }

    private List<Map<String, Object>> notifications() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map<String, Object> alert : alerts()) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> notifications = (List<Map<String, Object>>) alert.get("notifications");
            all.addAll(notifications);
        }
        return all;
    }

    /** Records on every dead-letter topic (a topic whose name ends in -dlq), by topic. */
    private Map<String, Long> deadLetters() throws Exception {
        try (Admin admin = admin()) {
            Map<String, Long> counts = new TreeMap<>();
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            for (String topic : topics.stream().filter(t -> t.endsWith("-dlq")).toList()) {
                counts.put(topic, ConsumerGroups.recordsIn(admin, topic));
            }
            return counts;
        }
    }

    /** The value of a metric in the gateway's Prometheus text, from the line whose labels contain {@code labels}. */
    private double gatewayMetric(String name, String labels) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url("gateway") + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : answer.body().lines().filter(l -> !l.startsWith("#")).toList()) {
                if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labels)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- waiting and checking ----------------------------------------------------------------------------

    /** Waits until the service's readiness check answers UP; fails at once if its process ended. */
    private void awaitReady(ServiceProcess service, Duration patience) {
        await(service.name() + " ready").atMost(patience).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!service.isAlive()) {
                throw new IllegalStateException(service.name() + " exited with " + service.exitValue() + "; see "
                        + service.log());
            }
            return ready(service);
        });
    }

    private boolean ready(ServiceProcess service) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** After an infrastructure fault: every service ready again and every usage-events group committing again. */
    private Instant awaitAllRecovered(String fault) {
        try {
            for (ServiceProcess service : services.values()) {
                awaitReady(service, RECOVERY);
            }
        } catch (RuntimeException e) {
            problem(fault + ": not ready again: " + e.getMessage());
        }
        awaitConsuming(usageGroups(CONSUMERS), RECOVERY);
        return Instant.now();
    }

    /** Waits until each group has committed further than it had now: its consumers read and commit. */
    private void awaitConsuming(Set<String> groups, Duration patience) {
        if (groups.isEmpty()) {
            return;
        }
        try (Admin admin = admin()) {
            Map<String, Long> before = new HashMap<>();
            await("offsets of " + groups).atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                for (String group : groups) {
                    before.put(group, ConsumerGroups.committed(admin, group, USAGE_EVENTS));
                }
            });
            await(groups + " committing").atMost(patience).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        for (String group : groups) {
                            if (ConsumerGroups.committed(admin, group, USAGE_EVENTS) <= before.get(group)) {
                                return false;
                            }
                        }
                        return true;
                    });
        } catch (ConditionTimeoutException e) {
            problem(groups + " did not commit any usage-events offset within " + patience + " (stuck consumer?)");
        }
    }

    private static Set<String> usageGroups(List<String> services) {
        return services.stream().filter(s -> !s.equals("alert")).map(GROUPS::get)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** Holds an outage for its duration, checking all along that it lasts. */
    private void hold(Duration outage, BooleanSupplier stillDown, String otherwise) {
        try {
            await().during(outage).atMost(outage.plusSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(stillDown::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            problem(otherwise);
        }
    }

    private boolean awaitRefused(int port) {
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> ServiceEnvironment.refused(port));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private void check(boolean condition, String otherwise) {
        if (!condition) {
            problem(otherwise);
        }
    }

    private void problem(String problem) {
        LOG.warning(problem);
        problems.add(problem);
    }

    private static void phase(String phase) {
        LOG.info("==== " + phase);
    }

    private String aliveQuota() {
        return services.get("quota-a").isAlive() ? "quota-a" : "quota-b";
    }

    private String url(String service) {
        return services.get(service).url();
    }

    private String consumerDb(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database;
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    /** The revision measured: {@code -Dapimeter.harness.revision}, else {@code git describe --always --dirty}. */
    private String revision() {
        String given = System.getProperty("apimeter.harness.revision");
        if (given != null && !given.isBlank()) {
            return given;
        }
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").directory(root.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

}
