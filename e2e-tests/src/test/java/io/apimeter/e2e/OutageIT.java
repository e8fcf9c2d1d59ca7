package io.apimeter.e2e;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.SimulatorOptions;
import io.apimeter.testkit.EmbeddedKafka;
import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.SharedInfrastructure;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The broker, then the gateway's own database, goes away under load: the gateway keeps answering every call
 * (no 5xx), stays ready, and every call made appears exactly once in the usage log. While the broker is away the
 * gateway holds the usage events on its disk; while its database is away it authorises calls from memory.
 *
 * <p>The gateway and the usage recorder run as packaged processes against a Kafka broker of this test's own
 * (so it can be stopped and started again on the same ports and log directory), a PostgreSQL of the gateway's
 * own (stopped and started again on the same port and data), the test kit's PostgreSQL for the recorder, its
 * mock identity provider and the provider simulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageIT {
    private static final Logger LOG = Logger.getLogger(OutageIT.class.getName());
    /** Calls made; call i asks for i + 1 prompt tokens, so each call can be found in the usage log. */
    private static final int CALLS = 240;
    /** One call every 50 ms: about 20 calls a second, about 12 seconds in all. */
    private static final Duration PACE = Duration.ofMillis(50);
    /** The load stops here whatever happens; generous for a small, busy machine. */
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(150);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Producers and consumers come back with backoff after the broker's return. */
    private static final Duration RECOVERY = Duration.ofSeconds(120);
    /** Calls that must be made while the broker is fully stopped, or the outage proved nothing. */
    private static final int MIN_CALLS_WHILE_DOWN = CALLS / 5;
    private static final String METRIC = "apimeter_gateway_usage_events_total";
    private static final String WAITING_METRIC = "apimeter_gateway_usage_events_waiting";
    private static final String STALE_METRIC = "apimeter_gateway_directory_stale_total";

    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private ProviderSimulator simulator;
    private Path kafkaDir;
    private Path spoolDir;
    private int kafkaPort;
    private int controllerPort;
    private volatile EmbeddedKafka kafka;
    private Path gatewayDbWork;
    private Path gatewayDbData;
    private int gatewayDbPort;
    private volatile EmbeddedPostgresServer gatewayDb;
    private ExecutorService loadThread;

    @BeforeAll
    void startPlatform() throws IOException {
        Path root = ServiceEnvironment.root();
        Path target = root.resolve("e2e-tests/target");
        Path logs = target.resolve("e2e-logs/outage");
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        kafkaDir = target.resolve("outage-kafka-" + UUID.randomUUID());
        kafkaPort = FreePorts.next();
        controllerPort = FreePorts.next();
        kafka = EmbeddedKafka.start(kafkaDir, kafkaPort, controllerPort);
        simulator = ProviderSimulator.start(SimulatorOptions.defaults());

        Map<String, String> common = ServiceEnvironment.common(kafka.bootstrapServers());
        spoolDir = target.resolve("outage-gateway-spool-" + UUID.randomUUID());
        gatewayDbWork = target.resolve("outage-gateway-pg-work");
        gatewayDbData = target.resolve("outage-gateway-pg-" + UUID.randomUUID());
        gatewayDbPort = FreePorts.next();
        gatewayDb = EmbeddedPostgresServer.start(gatewayDbWork, gatewayDbData, gatewayDbPort, true);
        Map<String, String> gateway = ServiceEnvironment.gateway(common, gatewayDb.createDatabase("gateway"),
                simulator.openAiBaseUrl(), spoolDir);
        Map<String, String> recorder = ServiceEnvironment.service(common,
                infrastructure.postgres().recreateDatabase("outage_recorder"));

        services.put("gateway-service", new ServiceProcess(root, "gateway-service", FreePorts.next(), gateway, logs));
        services.put("usage-recorder-service",
                new ServiceProcess(root, "usage-recorder-service", FreePorts.next(), recorder, logs));
        for (ServiceProcess service : services.values()) {
            Files.deleteIfExists(service.log()); // this run's log only
        }
        services.values().forEach(ServiceProcess::start);
        services.values().forEach(s -> s.awaitReady(Duration.ofMinutes(3)));
    }

    @AfterAll
    void stopPlatform() {
        if (loadThread != null) {
            loadThread.shutdownNow();
        }
        services.values().forEach(ServiceProcess::stop);
        EmbeddedKafka broker = kafka;
        kafka = null;
        if (broker != null) {
            broker.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        EmbeddedPostgresServer database = gatewayDb;
        gatewayDb = null;
        if (database != null) {
            database.close();
        }
        // The service logs stay; the broker's and the database's data and the spool are of no use after the run.
        ServiceEnvironment.deleteQuietly(kafkaDir);
        ServiceEnvironment.deleteQuietly(gatewayDbData);
        ServiceEnvironment.deleteQuietly(spoolDir);
    }

    @Test
    void shouldRecordEveryCallExactlyOnceWhenTheBrokerStopsAndComesBackUnderLoad() throws Exception {
        double waitingWhileDown = underLoad("broker", () -> {
            EmbeddedKafka broker = kafka;
            kafka = null;
            broker.close();
        }, () -> kafka = EmbeddedKafka.start(kafkaDir, kafkaPort, controllerPort), () -> gatewayMetric(WAITING_METRIC, ""));
        assertTrue(waitingWhileDown > 0, "the gateway's spool held no event while the broker was stopped");
    }

    @Test
    void shouldServeAndMeterEveryCallWhileTheGatewaysDatabaseIsDown() throws Exception {
        double staleBefore = gatewayMetric(STALE_METRIC, "cache=\"api-key\"");
        double staleWhileDown = underLoad("gateway database", () -> {
            EmbeddedPostgresServer database = gatewayDb;
            gatewayDb = null;
            database.close();
            assertTrue(ServiceEnvironment.refused(gatewayDbPort), "the gateway's PostgreSQL still accepts connections after its stop");
            // A key the gateway never saw cannot be authorised now: 503 in OpenAI's format, nothing else.
            HttpResponse<String> unknown = new Load("amk_Unknown1_" + "u".repeat(40)).send(1);
            assertEquals(503, unknown.statusCode(), unknown.body());
            assertEquals("gateway_unavailable", JsonPath.from(unknown.body()).getString("error.code"), unknown.body());
            assertEquals("1", unknown.headers().firstValue("Retry-After").orElse(null));
        }, () -> gatewayDb = EmbeddedPostgresServer.start(gatewayDbWork, gatewayDbData, gatewayDbPort, true),
                () -> gatewayMetric(STALE_METRIC, "cache=\"api-key\""));
        assertTrue(staleWhileDown > staleBefore, "the gateway never had to answer from memory for want of its "
                + "database: the outage proved nothing");
        // Back to the database: a new key works again at once.
        String customer = "after-" + UUID.randomUUID().toString().substring(0, 8);
        String apiKey = onboard(customer);
        assertEquals(null, new Load(apiKey).call(7), "a call with a key made after the database came back");
    }

    /**
     * Calls at a steady pace; a quarter of the way in, {@code stop} takes something away until three quarters,
     * then {@code start} brings it back. Every call must answer 200 with the provider's usage, the gateway must
     * stay ready throughout, and every call must appear exactly once in the usage log. Returns what
     * {@code whileDown} read just before the restart.
     */
    private double underLoad(String what, Step stop, Step start, Probe whileDown) throws Exception {
        String customer = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        String apiKey = onboard(customer);
        Load load = new Load(apiKey);
        loadThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "outage-load"));
        Future<?> loading = loadThread.submit(load);

        // A quarter of the calls with everything up, then the outage while the calls go on.
        awaitCalls(load, loading, CALLS / 4);
        int madeBeforeStop = load.made();
        long stopping = System.nanoTime();
        stop.run();
        long downSince = System.nanoTime();
        int madeWhenDown = load.made();
        LOG.info(() -> what + " stopped in " + millis(stopping, downSince) + " ms, after call " + madeBeforeStop
                + "; " + madeWhenDown + " calls made");

        // It stays away until about three quarters of the calls, and for a good number of calls in any case (the
        // call in flight when it stopped does not count: it may have started before). The gateway stays ready.
        int until = Math.min(CALLS, Math.max(3 * CALLS / 4, madeWhenDown + MIN_CALLS_WHILE_DOWN + 1));
        List<String> notReady = new ArrayList<>();
        await().atMost(LOAD_LIMIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            int status = readiness();
            if (status != 200) {
                notReady.add("after call " + load.made() + ": " + status);
            }
            return loading.isDone() || load.made() >= until;
        });
        awaitCalls(load, loading, until);
        assertEquals(List.of(), notReady, "/q/health/ready of the gateway while the " + what + " was stopped");
        double measuredWhileDown = whileDown.read();
        long upAgainFrom = System.nanoTime();
        int madeWhenRestarting = load.made();
        start.run();
        long upSince = System.nanoTime();
        LOG.info(() -> what + " started again in " + millis(upAgainFrom, upSince) + " ms, after "
                + madeWhenRestarting + " calls");

        loading.get(LOAD_LIMIT.toSeconds() + 30, TimeUnit.SECONDS);
        long loadDone = System.nanoTime();
        assertEquals(List.of(), load.failures(), "every call answers 200 with the provider's usage, whatever is away");
        assertEquals(CALLS, load.made(), "calls made");
        int callsWhileDown = load.callsBetween(downSince, upAgainFrom);
        LOG.info(() -> callsWhileDown + " calls were made while the " + what + " was stopped");
        assertTrue(callsWhileDown >= MIN_CALLS_WHILE_DOWN, "only " + callsWhileDown + " calls were made while the "
                + what + " was stopped: the outage proved little");

        // Every call appears in the usage log exactly once: none lost, none twice.
        try {
            await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                    assertTrue(usageLog(customer).size() >= CALLS, "every call in the usage log"));
        } catch (ConditionTimeoutException e) {
            LOG.warning(() -> "the usage log is still short after " + RECOVERY + "; the checks below say what is missing");
        }
        long recorded = System.nanoTime();
        LOG.info(() -> "usage log read " + millis(upSince, recorded) + " ms after the " + what + " was back ("
                + millis(loadDone, recorded) + " ms after the last call)");
        List<Map<String, Object>> rows = usageLog(customer);
        Set<Long> inputTokens = rows.stream().map(r -> ((Number) r.get("inputTokens")).longValue())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Long> expected = LongStream.rangeClosed(1, CALLS).boxed().collect(Collectors.toCollection(TreeSet::new));
        Set<Long> missing = new TreeSet<>(expected);
        missing.removeAll(inputTokens);
        assertEquals(Set.of(), missing, "calls (by prompt tokens) missing from the usage log; the gateway counts "
                + gatewayMetric(METRIC, "result=\"failed\"") + " usage events lost");
        assertEquals(CALLS, rows.size(), "rows in the usage log");
        Set<Object> eventIds = rows.stream().map(r -> r.get("eventId")).collect(Collectors.toSet());
        assertEquals(CALLS, eventIds.size(), "distinct eventIds in the usage log");
        assertEquals(expected, inputTokens, "prompt tokens of the calls in the usage log");
        for (Map<String, Object> row : rows) {
            assertEquals(customer, row.get("customerId"));
            assertEquals("SUCCESS", row.get("outcome"));
            assertEquals(1L, ((Number) row.get("outputTokens")).longValue());
        }

        // The gateway counted every event into its spool, sent them all and lost none.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertTrue(gatewayMetric(METRIC, "result=\"published\"") >= rows.size(), "published events");
            assertEquals(0.0, gatewayMetric(METRIC, "result=\"failed\""), "lost events");
            assertEquals(0.0, gatewayMetric(WAITING_METRIC, ""), "events still waiting in the spool");
        });
        return measuredWhileDown;
    }

    /** Taking something away, or bringing it back. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** A figure read while the outage lasts. */
    @FunctionalInterface
    private interface Probe {
        double read() throws Exception;
    }

    private int readiness() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(services.get("gateway-service").url()
                    + "/q/health/ready")).timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until the load has made {@code calls} calls; fails at once if the load stopped early. */
    private static void awaitCalls(Load load, Future<?> loading, int calls) throws Exception {
        await().atMost(LOAD_LIMIT).pollInterval(Duration.ofMillis(20))
                .until(() -> loading.isDone() || load.made() >= calls);
        if (load.made() < calls) {
            try {
                loading.get();
            } catch (ExecutionException e) {
                throw new AssertionError("the load stopped after " + load.made() + " calls", e.getCause());
            }
            fail("the load stopped after " + load.made() + " of " + calls + " calls: " + load.failures());
        }
    }

    /**
     * The calls, one after another at {@link #PACE}; call i asks the provider for i + 1 prompt tokens and one
     * completion token. A call that fails is noted and the load goes on.
     */
    private final class Load implements Runnable {
        private final String apiKey;
        private final AtomicInteger made = new AtomicInteger();
        private final long[] startedAt = new long[CALLS];
        private final long[] answeredAt = new long[CALLS];
        private final List<String> failures = new CopyOnWriteArrayList<>();

        Load(String apiKey) {
            this.apiKey = apiKey;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            long deadline = start + LOAD_LIMIT.toNanos();
            for (int i = 0; i < CALLS; i++) {
                long slot = start + i * PACE.toNanos();
                long now = System.nanoTime();
                if (now > deadline) {
                    failures.add("the load took longer than " + LOAD_LIMIT + "; stopped after " + i + " calls");
                    return;
                }
                if (slot > now) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(slot - now); // the pace of the load, not a wait for a result
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                startedAt[i] = System.nanoTime();
                String failure = call(i + 1);
                answeredAt[i] = System.nanoTime();
                if (failure != null) {
                    failures.add("call " + i + ": " + failure);
                }
                made.incrementAndGet();
            }
        }

        String call(long promptTokens) {
            try {
                HttpResponse<String> answer = send(promptTokens);
                if (answer.statusCode() != 200) {
                    return "status " + answer.statusCode() + ": " + answer.body();
                }
                long answered = JsonPath.from(answer.body()).getLong("usage.prompt_tokens");
                return answered == promptTokens ? null : "the answer says " + answered + " prompt tokens";
            } catch (IOException | RuntimeException e) {
                return e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        HttpResponse<String> send(long promptTokens) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create(services.get("gateway-service").url()
                            + "/openai/v1/chat/completions"))
                    .timeout(CALL_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + apiKey)
                    .header("x-sim-prompt-tokens", String.valueOf(promptTokens))
                    .header("x-sim-completion-tokens", "1")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        int made() {
            return made.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        /** Calls that started at or after {@code from} and were answered before {@code to} (System.nanoTime). */
        int callsBetween(long from, long to) {
            int count = 0;
            for (int i = 0; i < made(); i++) {
                if (startedAt[i] - from >= 0 && to - answeredAt[i] > 0) {
                    count++;
                }
            }
            return count;
        }
    }

    private String onboard(String customer) {
        String gateway = services.get("gateway-service").url();
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", customer, "name", "Outage " + customer, "email", customer + "@customer.test"))
                .post(gateway + "/admin/customers").then().statusCode(201);
        String apiKey = asAdmin().contentType(ContentType.JSON).body("{}")
                .post(gateway + "/admin/customers/{id}/api-keys", customer).then().statusCode(201)
                .extract().path("key");
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", "sk-outage-" + UUID.randomUUID()))
                .put(gateway + "/admin/customers/{id}/credentials/openai", customer).then().statusCode(200);
        return apiKey;
    }

    /** Every row of the customer's usage log, page after page. */
    private List<Map<String, Object>> usageLog(String customer) {
        String recorder = services.get("usage-recorder-service").url();
        List<Map<String, Object>> rows = new ArrayList<>();
        String cursor = null;
        do {
            var request = asAdmin().queryParam("customerId", customer).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get(recorder + "/usage-logs").then().statusCode(200).extract().jsonPath();
            rows.addAll(page.getList("items"));
            cursor = page.getString("nextCursor");
        } while (cursor != null && rows.size() <= 10 * CALLS);
        return rows;
    }

    /**
     * The value of a metric in the gateway's Prometheus text at {@code /q/metrics}, from the line whose labels
     * contain {@code labels} (any line of the metric when empty).
     */
    private double gatewayMetric(String name, String labels) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                        URI.create(services.get("gateway-service").url() + "/q/metrics"))
                .timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), "GET /q/metrics of the gateway");
        List<String> lines = answer.body().lines().filter(l -> !l.startsWith("#")).toList();
        for (String line : lines) {
            boolean ofMetric = line.startsWith(name + "{") || line.startsWith(name + " ");
            if (ofMetric && line.contains(labels)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + (labels.isEmpty() ? "" : " with " + labels) + " in /q/metrics; "
                + "its apimeter metrics: " + lines.stream().filter(l -> l.startsWith("apimeter")).toList());
    }

    private static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
