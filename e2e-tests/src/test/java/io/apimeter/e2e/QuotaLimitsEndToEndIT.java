package io.apimeter.e2e;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.security.Callers.asCustomer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.SimulatorOptions;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.SharedInfrastructure;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Limits as a customer and an admin live them, with the services as packaged processes: two replicas of
 * quota-service sharing one database and one consumer group (one of them crashes mid-way), the gateway
 * enforcing a BLOCK quota from the quota-status topic, and alert-service mailing admins and the customer's
 * own contact, which it learned from the customers topic. A BLOCK limit also holds under sixteen concurrent
 * clients, against one gateway and against two replicas sharing the traffic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuotaLimitsEndToEndIT {
    private static final String ADMIN_EMAIL = "ops@apimeter.test";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private SharedInfrastructure infrastructure;
    private ProviderSimulator simulator;
    private GreenMail smtp;

    @BeforeAll
    void startPlatform() {
        Path root = ServiceEnvironment.root();
        Path logs = root.resolve("e2e-tests/target/e2e-logs");
        infrastructure = SharedInfrastructure.get();
        Map<String, String> common = ServiceEnvironment.common(infrastructure.kafkaBootstrapServers());
        simulator = ProviderSimulator.start(SimulatorOptions.defaults());
        smtp = ServiceEnvironment.startSmtp();
        Map<String, String> gateway = ServiceEnvironment.gateway(common,
                infrastructure.postgres().recreateDatabase("limits_gateway"), simulator.openAiBaseUrl(),
                root.resolve("e2e-tests/target/gateway-spool-" + UUID.randomUUID()));
        Map<String, String> quota = ServiceEnvironment.service(common,
                infrastructure.postgres().recreateDatabase("limits_quota"));
        Map<String, String> alert = ServiceEnvironment.alert(common,
                infrastructure.postgres().recreateDatabase("limits_alert"), smtp.getSmtp().getPort(), ADMIN_EMAIL);
        services.put("gateway", new ServiceProcess(root, "gateway-service", "limits-gateway", FreePorts.next(), gateway, logs));
        // Two more replicas, sharing the first one's database, that know they share the traffic.
        for (String replica : List.of("b", "c")) {
            Map<String, String> env = new HashMap<>(gateway);
            env.put("GATEWAY_REPLICAS", "2");
            env.put("GATEWAY_SPOOL_DIR", root.resolve("e2e-tests/target/gateway-spool-" + UUID.randomUUID()).toString());
            services.put("gateway-" + replica, new ServiceProcess(root, "gateway-service", "limits-gateway-" + replica,
                    FreePorts.next(), env, logs));
        }
        services.put("quota-a", new ServiceProcess(root, "quota-service", "limits-quota-a", FreePorts.next(), quota, logs));
        services.put("quota-b", new ServiceProcess(root, "quota-service", "limits-quota-b", FreePorts.next(), quota, logs));
        services.put("alert", new ServiceProcess(root, "alert-service", "limits-alert", FreePorts.next(), alert, logs));
        services.values().forEach(ServiceProcess::start);
        services.values().forEach(s -> s.awaitReady(Duration.ofMinutes(3)));
    }

    @AfterAll
    void stopPlatform() {
        services.values().forEach(ServiceProcess::stop);
        if (smtp != null) {
            smtp.stop();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /**
     * A BLOCK quota of 100,000 tokens, reached by calls made four at a time while one quota-service replica is
     * killed and started again: one WARNING and one EXCEEDED, each mailed once to the admin and once to the
     * customer's contact; then the gateway answers 429 without calling the provider, and raising the limit lets
     * the customer call again at once.
     */
    @Test
    void shouldAlertOnceAcrossReplicasBlockAtTheGatewayAndLiftTheBlockWhenTheLimitIsRaised() throws Exception {
        String customer = "limits-" + UUID.randomUUID().toString().substring(0, 8);
        String contact = customer + "@customer.test";
        String apiKey = onboard(customer, contact);
        awaitContactKnownToAlertService();
        asAdmin().contentType(ContentType.JSON).body(Map.of("openaiTokens", 100_000, "enforcement", "BLOCK"))
                .put(url("quota-a") + "/quotas/{id}", customer).then().statusCode(200);

        // 80% in 20 calls of 4,000 tokens, four at a time; replica a crashes after the first few and comes back.
        AtomicBoolean crashed = new AtomicBoolean();
        parallelCalls(apiKey, 20, 4_000, done -> {
            if (done >= 6 && crashed.compareAndSet(false, true)) {
                services.get("quota-a").kill();
            }
        });
        services.get("quota-a").start();
        services.get("quota-a").awaitReady(Duration.ofMinutes(2));
        awaitStatus(customer, "80000", "80.00");

        // 100% in five more calls: the block reaches the gateway through quota-status.
        parallelCalls(apiKey, 5, 4_000, done -> { });
        awaitStatus(customer, "100000", "100.00");
        int providerCallsBefore = simulator.requests().size();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals(429, chat(apiKey, 1_000).statusCode(), "a blocked customer's call"));
        Response rejected = chat(apiKey, 1_000);
        assertEquals(429, rejected.statusCode());
        assertEquals("insufficient_quota", rejected.jsonPath().getString("error.type"), rejected.asString());
        assertNotNull(rejected.header("Retry-After"), "a 429 says when to come back");
        assertEquals(providerCallsBefore, simulator.requests().size(), "a rejected call never reaches the provider");

        // Each alert exactly once, mailed once to each recipient, whatever the crash redelivered.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertAlertsAndMails(customer, contact));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertAlertsAndMails(customer, contact));

        // Raising the limit above usage lifts the block at once.
        Instant raised = Instant.now();
        asAdmin().contentType(ContentType.JSON).body(Map.of("openaiTokens", 1_000_000, "enforcement", "BLOCK"))
                .put(url("quota-b") + "/quotas/{id}", customer).then().statusCode(200);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertEquals(200, chat(apiKey, 1_000).statusCode(), "a call after the limit was raised"));
        System.out.printf("block lifted at the gateway %d ms after the PUT%n",
                Duration.between(raised, Instant.now()).toMillis());
    }

    /**
     * Sixteen clients at once, each making 1,000-token calls (a prompt of about 500 tokens and {@code max_tokens}
     * 500) against a BLOCK limit of 100,000 tokens, until each is refused three times in a row: at most the limit
     * plus one call per client under way gets through (100,000 + 16 x 1,000), and the limit is nearly reached.
     */
    @Test
    void shouldHoldABlockLimitAgainstSixteenConcurrentClientsOnOneGateway() throws Exception {
        long through = concurrentClientsAgainstALimit(List.of("gateway"));
        assertTrue(through <= 100_000 + 16 * 1_000, through + " tokens got through a 100,000-token BLOCK limit");
    }

    /**
     * As above, with the clients' calls spread over two gateway replicas that know they share the traffic: each
     * spends at most half the headroom the last status leaves, so at most 100,000 + 2 x 16 x 1,000 get through.
     */
    @Test
    void shouldHoldABlockLimitAgainstSixteenConcurrentClientsOnTwoGatewayReplicas() throws Exception {
        long through = concurrentClientsAgainstALimit(List.of("gateway-b", "gateway-c"));
        assertTrue(through <= 100_000 + 2 * 16 * 1_000, through + " tokens got through a 100,000-token BLOCK limit");
    }

    /** Runs the sixteen clients over the given gateways and returns the tokens that got through. */
    private long concurrentClientsAgainstALimit(List<String> gateways) throws Exception {
        String customer = "block-" + UUID.randomUUID().toString().substring(0, 8);
        String apiKey = onboard(customer, customer + "@customer.test");
        Map<String, Double> held = new HashMap<>();
        for (String gateway : gateways) {
            held.put(gateway, metric(gateway, "apimeter_gateway_quota_statuses"));
        }
        asAdmin().contentType(ContentType.JSON).body(Map.of("openaiTokens", 100_000, "enforcement", "BLOCK"))
                .put(url("quota-a") + "/quotas/{id}", customer).then().statusCode(200);
        for (String gateway : gateways) {
            // The gateway holds the customer's status (no usage yet) before the clients start.
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertTrue(
                    metric(gateway, "apimeter_gateway_quota_statuses") > held.get(gateway),
                    gateway + " holds no quota status of the customer"));
        }
        String prompt = "word ".repeat(495).trim();
        java.util.concurrent.atomic.AtomicLong succeeded = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong firstRefusalNanos = new java.util.concurrent.atomic.AtomicLong();
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    int refusedInARow = 0;
                    for (int i = 0; refusedInARow < 3 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60); i++) {
                        Response answer = given().contentType(ContentType.JSON)
                                .header("Authorization", "Bearer " + apiKey)
                                .header("x-sim-prompt-tokens", 500).header("x-sim-completion-tokens", 500)
                                .body(Map.of("model", "gpt-3.5-turbo", "max_tokens", 500,
                                        "messages", List.of(Map.of("role", "user", "content", prompt))))
                                .post(url(gateways.get((client + i) % gateways.size())) + "/openai/v1/chat/completions");
                        if (answer.statusCode() == 200) {
                            succeeded.incrementAndGet();
                            refusedInARow = 0;
                        } else {
                            assertEquals(429, answer.statusCode(), answer.asString());
                            assertEquals("insufficient_quota", answer.jsonPath().getString("error.type"));
                            refused.incrementAndGet();
                            firstRefusalNanos.compareAndSet(0, System.nanoTime());
                            refusedInARow++;
                            TimeUnit.MILLISECONDS.sleep(100); // the client's own pause before it tries again
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get(2, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        long through = succeeded.get() * 1_000;
        System.out.printf("BLOCK limit 100,000 tokens, 16 clients over %s: %d tokens through in %d calls, %d refused,"
                        + " first refusal after %d ms%n", gateways, through, succeeded.get(), refused.get(),
                TimeUnit.NANOSECONDS.toMillis(firstRefusalNanos.get() - start));
        // quota-service counted exactly what got through, and the limit was nearly reached, not refused early.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            JsonPath status = asCustomer(customer).get(url("quota-b") + "/quotas/{c}/status", customer)
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(through, new java.math.BigDecimal(status.getString(
                    "dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used")).longValueExact(),
                    "tokens counted by quota-service");
        });
        assertTrue(through >= 90_000, "only " + through + " tokens got through: the limit refused far too early");
        return through;
    }

    /** A gauge or counter of a service's {@code /q/metrics}, summed over its lines. */
    private double metric(String service, String name) {
        String text = given().get(url(service) + "/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * Not a test but a measurement, run on request: {@code ./mvnw -B verify -pl e2e-tests
     * -Dit.test=QuotaLimitsEndToEndIT#measureCrossingToAlertAndMail -Dapimeter.crossings=200} (the service jars must
     * be packaged). Customers cross 80% and then 100% of a token quota, a few per second; for each crossing it
     * prints how long after the crossing call returned the alert was stored and the mail reached the SMTP server.
     */
    @Test
    void measureCrossingToAlertAndMail() throws Exception {
        String requested = System.getProperty("apimeter.crossings");
        Assumptions.assumeTrue(requested != null, "a measurement: set -Dapimeter.crossings=N to run it");
        int customers = Math.max(1, (Integer.parseInt(requested) + 1) / 2);
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> ids = new ArrayList<>();
        Map<String, String> keys = new HashMap<>();
        for (int i = 0; i < customers; i++) {
            String customer = "x" + run + "-" + i;
            keys.put(customer, onboard(customer, customer + "@customer.test"));
            asAdmin().contentType(ContentType.JSON).body(Map.of("openaiTokens", 10_000))
                    .put(url("quota-a") + "/quotas/{id}", customer).then().statusCode(200);
            ids.add(customer);
        }
        awaitContactKnownToAlertService();

        Map<String, Instant> mailSeen = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                for (MimeMessage message : smtp.getReceivedMessages()) {
                    try {
                        if (isTo(message, ADMIN_EMAIL)) {
                            mailSeen.putIfAbsent(message.getSubject(), Instant.now());
                        }
                    } catch (Exception e) {
                        // a message still being written; seen on the next pass
                    }
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mail-watcher");
        watcher.start();

        // crossing = customer + type -> when the crossing call returned
        Map<String, Instant> crossed = new LinkedHashMap<>();
        for (String type : List.of("WARNING", "EXCEEDED")) {
            long tokens = type.equals("WARNING") ? 8_500 : 2_000;
            for (String customer : ids) {
                Response answer = chat(keys.get(customer), tokens);
                crossed.put(customer + " " + type, Instant.now());
                assertEquals(200, answer.statusCode(), answer.asString());
                TimeUnit.MILLISECONDS.sleep(200); // about five crossings a second: latency, not throughput
            }
        }

        List<Long> stored = new ArrayList<>();
        List<Long> mailed = new ArrayList<>();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            stored.clear();
            mailed.clear();
            for (String customer : ids) {
                JsonPath alerts = asAdmin().get(url("alert") + "/alerts?customerId={c}", customer)
                        .then().statusCode(200).extract().jsonPath();
                for (Map<String, Object> alert : alerts.<Map<String, Object>>getList("items")) {
                    Instant crossing = crossed.get(customer + " " + alert.get("type"));
                    if (crossing == null) {
                        continue;
                    }
                    stored.add(Duration.between(crossing, Instant.parse((String) alert.get("createdAt"))).toMillis());
                    mailSeen.entrySet().stream()
                            .filter(m -> m.getKey().contains(customer + " ") || m.getKey().contains(customer + ":")
                                    || m.getKey().endsWith(customer))
                            .filter(m -> m.getKey().contains((String) alert.get("type")))
                            .findFirst()
                            .ifPresent(m -> mailed.add(Duration.between(crossing, m.getValue()).toMillis()));
                }
            }
            return stored.size() == crossed.size() && mailed.size() == crossed.size();
        });
        watching.set(false);
        watcher.interrupt();
        System.out.printf("%n%d threshold crossings (%d customers x WARNING, EXCEEDED)%n", crossed.size(), customers);
        System.out.println("from the crossing call's answer to | p50 ms | p99 ms | max ms");
        System.out.println("alert stored (alert-service)      | " + percentiles(stored));
        System.out.println("mail accepted by the SMTP server  | " + percentiles(mailed));
    }

    private static String percentiles(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return rank(sorted, 0.50) + " | " + rank(sorted, 0.99) + " | " + sorted.get(sorted.size() - 1);
    }

    private static long rank(List<Long> sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private void assertAlertsAndMails(String customer, String contact) throws Exception {
        JsonPath alerts = asCustomer(customer).get(url("alert") + "/alerts?customerId={c}", customer)
                .then().statusCode(200).extract().jsonPath();
        List<String> types = new ArrayList<>(alerts.getList("items.type", String.class));
        types.sort(null);
        assertEquals(List.of("EXCEEDED", "WARNING"), types, "alerts of the customer");
        for (String recipient : List.of(ADMIN_EMAIL, contact)) {
            List<String> mailed = new ArrayList<>();
            for (MimeMessage message : smtp.getReceivedMessages()) {
                String subject = message.getSubject();
                if (subject != null && subject.contains(customer) && isTo(message, recipient)) {
                    mailed.add(subject.contains("EXCEEDED") ? "EXCEEDED" : subject.contains("WARNING") ? "WARNING" : subject);
                }
            }
            mailed.sort(null);
            assertEquals(List.of("EXCEEDED", "WARNING"), mailed, "alert mails to " + recipient);
        }
    }

    private static boolean isTo(MimeMessage message, String recipient) throws Exception {
        Address[] all = message.getAllRecipients();
        if (all == null) {
            return false;
        }
        for (Address address : all) {
            if (address.toString().contains(recipient)) {
                return true;
            }
        }
        return false;
    }

    /** Patient: after a crash the group waits out the dead replica's session (45 s) before it moves partitions. */
    private void awaitStatus(String customer, String tokens, String percent) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            JsonPath status = asCustomer(customer).get(url("quota-b") + "/quotas/{c}/status", customer)
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(tokens, new java.math.BigDecimal(
                    status.getString("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used")).toPlainString(),
                    "tokens counted once each across both replicas");
            assertEquals(percent, status.getString("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent"));
        });
    }

    /** Makes {@code calls} calls of {@code tokens} tokens each, four at a time, reporting each one done. */
    private void parallelCalls(String apiKey, int calls, long tokens, java.util.function.IntConsumer afterEach)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                results.add(pool.submit(() -> {
                    int status = chat(apiKey, tokens).statusCode();
                    afterEach.accept(done.incrementAndGet());
                    return status;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(200, result.get(1, TimeUnit.MINUTES), "a call below the limit");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A call using {@code tokens} tokens; it asks for at most its completion, as a careful client does. */
    private Response chat(String apiKey, long tokens) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + apiKey)
                .header("x-sim-prompt-tokens", tokens / 2).header("x-sim-completion-tokens", tokens - tokens / 2)
                .body("{\"model\":\"gpt-3.5-turbo\",\"max_tokens\":" + (tokens - tokens / 2)
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(url("gateway") + "/openai/v1/chat/completions");
    }

    private String onboard(String customer, String contact) {
        String gateway = url("gateway");
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", customer, "name", "Limits " + customer, "email", contact))
                .post(gateway + "/admin/customers").then().statusCode(201);
        String apiKey = asAdmin().contentType(ContentType.JSON).body("{}")
                .post(gateway + "/admin/customers/{id}/api-keys", customer).then().statusCode(201)
                .extract().path("key");
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", "sk-limits-" + UUID.randomUUID()))
                .put(gateway + "/admin/customers/{id}/credentials/openai", customer).then().statusCode(200);
        return apiKey;
    }

    /** Waits until alert-service has read the customers topic to its end, so that it knows every contact. */
    private void awaitContactKnownToAlertService() throws Exception {
        try (Admin admin = infrastructure.kafka().admin()) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                    assertTrue(ConsumerGroups.ends(admin, "customers").values().stream().mapToLong(e -> e.offset())
                            .sum() > 0, "no customer record yet"));
            ConsumerGroups.awaitCaughtUp(admin, "alert-service", "customers", PATIENCE);
        }
    }

    private String url(String service) {
        return services.get(service).url();
    }
}
