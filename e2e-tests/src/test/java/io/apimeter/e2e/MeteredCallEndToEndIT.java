package io.apimeter.e2e;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.security.Callers.asCustomer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import com.icegreen.greenmail.util.GreenMail;
import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.SimulatorOptions;
import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.restassured.RestAssured;
import java.util.Set;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One customer's OpenAI calls, made through the gateway's HTTP API only, followed through the five packaged
 * services running as separate processes against a real Kafka broker, a real PostgreSQL, a real SMTP server
 * and the provider simulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeteredCallEndToEndIT {
    private static final String ADMIN_EMAIL = "ops@apimeter.test";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<String> CONSUMERS = List.of("usage-recorder-service", "aggregation-service", "quota-service");

    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final AnswerRecorder answers = new AnswerRecorder();
    private SharedInfrastructure infrastructure;
    private ProviderSimulator simulator;
    private GreenMail smtp;

    @BeforeAll
    void startPlatform() {
        Path root = ServiceEnvironment.root();
        Path logs = root.resolve("e2e-tests/target/e2e-logs");
        infrastructure = SharedInfrastructure.get();
        simulator = ProviderSimulator.start(SimulatorOptions.defaults());
        smtp = ServiceEnvironment.startSmtp();

        Map<String, String> common = ServiceEnvironment.common(infrastructure.kafkaBootstrapServers());
        var db = infrastructure.postgres();
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        environments.put("gateway-service", ServiceEnvironment.gateway(common, db.recreateDatabase("gateway"),
                simulator.openAiBaseUrl(), root.resolve("e2e-tests/target/gateway-spool-" + UUID.randomUUID())));
        environments.put("usage-recorder-service", ServiceEnvironment.service(common, db.recreateDatabase("recorder")));
        environments.put("aggregation-service", ServiceEnvironment.service(common, db.recreateDatabase("aggregation")));
        environments.put("quota-service", ServiceEnvironment.service(common, db.recreateDatabase("quota")));
        environments.put("alert-service", ServiceEnvironment.alert(common, db.recreateDatabase("alert"),
                smtp.getSmtp().getPort(), ADMIN_EMAIL));
        environments.forEach((name, env) -> services.put(name, new ServiceProcess(root, name, FreePorts.next(), env, logs)));
        services.values().forEach(ServiceProcess::start);
        services.values().forEach(s -> s.awaitReady(Duration.ofMinutes(3)));
        RestAssured.filters(answers);
    }

    @AfterAll
    void stopPlatform() {
        RestAssured.reset();
        services.values().forEach(ServiceProcess::stop);
        if (smtp != null) {
            smtp.stop();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** What every service must show for the customer after a step. */
    record Expected(int calls, int errors, long inputTokens, long outputTokens, String costUsd,
                    String tokenPercent, String costPercent, List<String> alerts) {
        long tokens() {
            return inputTokens + outputTokens;
        }
    }

    @Test
    void shouldMeterEveryCallThroughAllFiveServicesAndSurviveAReplay() throws Exception {
        String customer = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String providerKey = "sk-e2e-" + UUID.randomUUID();
        String apiKey = onboard(customer, providerKey);
        answers.start(); // the answer that issued the key is the one that may show it, once
        asAdmin().contentType(ContentType.JSON).body(Map.of("openaiTokens", 1_000_000, "totalCostUsd", "100"))
                .put(url("quota-service") + "/quotas/{id}", customer).then().statusCode(200);

        // Step 1: two gpt-4 calls of 150,000 tokens, $6 each.
        call(apiKey, "gpt-4-0613", 100_000, 50_000, 200);
        call(apiKey, "gpt-4", 100_000, 50_000, 200);
        Expected step1 = new Expected(2, 0, 200_000, 100_000, "12", "30.00", "12.00", List.of());
        assertFigures(customer, step1);

        // Step 2: a gpt-3.5-turbo call of 500,000 tokens ($0.35) takes the customer to 80% of its tokens.
        call(apiKey, "gpt-3.5-turbo", 400_000, 100_000, 200);
        Expected step2 = new Expected(3, 0, 600_000, 200_000, "12.35", "80.00", "12.35", List.of("WARNING"));
        assertFigures(customer, step2);

        // Step 3: the provider fails; the call is recorded as an error, with nothing billed.
        call(apiKey, "gpt-4", 0, 0, 500);
        Expected step3 = new Expected(4, 1, 600_000, 200_000, "12.35", "80.00", "12.35", List.of("WARNING"));
        assertFigures(customer, step3);

        // Step 4: a gpt-4 call of 210,000 tokens ($8.10) goes past the limit: one EXCEEDED, no second WARNING.
        call(apiKey, "gpt-4", 150_000, 60_000, 200);
        Expected step4 = new Expected(5, 1, 750_000, 260_000, "20.45", "101.00", "20.45", List.of("WARNING", "EXCEEDED"));
        assertFigures(customer, step4);

        // Restart the consumers and replay usage-events from the start: every figure stays the same.
        replayUsageEventsFromTheStart();
        assertFigures(customer, step4);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertAlertsAndMails(customer, step4.alerts()));

        assertAnotherCustomerSeesNothing(customer);
        exerciseEveryAnswerThatCouldCarryAKey(customer, apiKey);
        assertNoSecretInAnyDatabase(apiKey, providerKey);
        assertNoSecretInAnyLogKafkaRecordOrAnswer(apiKey, providerKey);
    }

    /** A token of another customer reads nothing of this customer's, from any service. */
    private void assertAnotherCustomerSeesNothing(String customer) {
        String stranger = "someone-else";
        asCustomer(stranger).get(url("usage-recorder-service") + "/usage-logs").then().statusCode(200)
                .body(not(containsString(customer)));
        asCustomer(stranger).get(url("usage-recorder-service") + "/usage-logs?customerId={c}", customer)
                .then().statusCode(403).body(not(containsString("eventId")));
        asCustomer(stranger).get(url("aggregation-service") + "/summaries?month={m}", YearMonth.now(ZoneOffset.UTC).toString())
                .then().statusCode(200).body(not(containsString(customer)));
        asCustomer(stranger).get(url("aggregation-service") + "/summaries/{c}", customer).then().statusCode(404);
        asCustomer(stranger).get(url("quota-service") + "/quotas/{c}/status", customer).then().statusCode(404);
        asCustomer(stranger).get(url("quota-service") + "/quotas/{c}", customer).then().statusCode(404);
        asCustomer(stranger).get(url("alert-service") + "/alerts").then().statusCode(200)
                .body(not(containsString(customer)));
        asCustomer(customer).put(url("quota-service") + "/quotas/{c}", customer).then().statusCode(403);
        given().get(url("alert-service") + "/alerts").then().statusCode(401);
    }

    /** Admin reads of keys and credentials, and a provider error passed through: none may show a secret. */
    private void exerciseEveryAnswerThatCouldCarryAKey(String customer, String apiKey) {
        asAdmin().get(url("gateway-service") + "/admin/customers/{c}/api-keys", customer).then().statusCode(200);
        asAdmin().get(url("gateway-service") + "/admin/customers/{c}/credentials", customer).then().statusCode(200);
        asAdmin().get(url("gateway-service") + "/admin/customers/{c}", customer).then().statusCode(200);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + apiKey).header("x-sim-status", 401)
                .body("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(url("gateway-service") + "/openai/v1/chat/completions").then().statusCode(401);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + apiKey + "x")
                .body("{}").post(url("gateway-service") + "/openai/v1/chat/completions").then().statusCode(401);
    }

    /** The keys are in no service log line, no record of any topic (key, value, headers) and no API answer. */
    private void assertNoSecretInAnyLogKafkaRecordOrAnswer(String apiKey, String providerKey) throws Exception {
        List<String> secrets = List.of(apiKey, apiKey.substring(13), providerKey);
        for (ServiceProcess service : services.values()) {
            List<String> lines = java.nio.file.Files.readAllLines(service.log());
            assertFalse(lines.isEmpty(), service.name() + " logged nothing: the check would prove nothing");
            for (String line : lines) {
                for (String secret : secrets) {
                    assertFalse(line.contains(secret), "a key in the log of " + service.name() + ": " + line.replace(secret, "***"));
                }
            }
        }
        try (Admin admin = infrastructure.kafka().admin();
             KafkaTestClient kafka = new KafkaTestClient(infrastructure.kafkaBootstrapServers())) {
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            int records = 0;
            for (String topic : topics) {
                long expected = ConsumerGroups.recordsIn(admin, topic);
                var all = kafka.read(topic, r -> true, l -> l.size() >= expected, Duration.ofSeconds(30));
                assertEquals(expected, all.size(), "records read from " + topic);
                records += all.size();
                for (var record : all) {
                    StringBuilder text = new StringBuilder().append(record.key()).append('|').append(record.value());
                    record.headers().forEach(h -> text.append('|').append(h.key()).append('=')
                            .append(h.value() == null ? "" : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
                    for (String secret : secrets) {
                        assertFalse(text.toString().contains(secret), "a key in a record of " + topic);
                    }
                }
            }
            assertTrue(records > 0, "no Kafka record was read: the check would prove nothing");
        }
        assertTrue(answers.bodies().size() > 5, "too few answers recorded: " + answers.bodies().size());
        for (String body : answers.bodies()) {
            for (String secret : secrets) {
                assertFalse(body.contains(secret), "a key in an API answer: " + body.replace(secret, "***"));
            }
        }
    }

    private String onboard(String customer, String providerKey) {
        String gateway = url("gateway-service");
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", customer, "name", "E2E " + customer, "email", customer + "@customer.test"))
                .post(gateway + "/admin/customers").then().statusCode(201);
        String apiKey = asAdmin().contentType(ContentType.JSON).body("{}")
                .post(gateway + "/admin/customers/{id}/api-keys", customer).then().statusCode(201)
                .extract().path("key");
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", providerKey))
                .put(gateway + "/admin/customers/{id}/credentials/openai", customer).then().statusCode(200);
        return apiKey;
    }

    private void call(String apiKey, String model, long prompt, long completion, int status) {
        var request = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + apiKey)
                .header("x-sim-prompt-tokens", prompt).header("x-sim-completion-tokens", completion);
        if (status != 200) {
            request.header("x-sim-status", status);
        }
        JsonPath answer = request
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(url("gateway-service") + "/openai/v1/chat/completions")
                .then().statusCode(status).extract().jsonPath();
        if (status == 200) {
            assertEquals(prompt, answer.getLong("usage.prompt_tokens"), "the provider's answer comes back unchanged");
            assertEquals(completion, answer.getLong("usage.completion_tokens"));
        } else {
            assertNotNull(answer.get("error.message"), "the provider's error comes back unchanged");
        }
    }

    private void assertFigures(String customer, Expected expected) {
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            JsonPath logs = asCustomer(customer).get(url("usage-recorder-service") + "/usage-logs?customerId={c}&limit=500", customer)
                    .then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> rows = logs.getList("items");
            assertEquals(expected.calls(), rows.size(), "rows in the usage log");
            assertEquals(expected.errors(), rows.stream().filter(r -> !"SUCCESS".equals(r.get("outcome"))).count(),
                    "failed calls in the usage log");
            assertEquals(expected.inputTokens(), rows.stream().mapToLong(r -> ((Number) r.get("inputTokens")).longValue()).sum());
            assertEquals(expected.outputTokens(), rows.stream().mapToLong(r -> ((Number) r.get("outputTokens")).longValue()).sum());
            assertMoney(expected.costUsd(), rows.stream().map(r -> new BigDecimal(String.valueOf(r.get("costUsd"))))
                    .reduce(BigDecimal.ZERO, BigDecimal::add).toPlainString(), "cost in the usage log");

            JsonPath summaries = asCustomer(customer).get(url("aggregation-service") + "/summaries?month={m}", month)
                    .then().statusCode(200).extract().jsonPath();
            Map<String, Object> summary = summaries.getMap("items.find { it.customerId == '" + customer + "' }");
            assertNotNull(summary, "the month's summary lists the customer");
            assertEquals(expected.calls(), ((Number) summary.get("calls")).intValue(), "calls in the summary");
            assertEquals(expected.errors(), ((Number) summary.get("errors")).intValue(), "errors in the summary");
            assertEquals(expected.inputTokens(), ((Number) summary.get("inputTokens")).longValue());
            assertEquals(expected.outputTokens(), ((Number) summary.get("outputTokens")).longValue());
            assertMoney(expected.costUsd(), String.valueOf(summary.get("costUsd")), "cost in the summary");

            JsonPath status = asCustomer(customer).get(url("quota-service") + "/quotas/{c}/status", customer)
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(String.valueOf(expected.tokens()),
                    new BigDecimal(status.getString("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used"))
                            .toPlainString(), "tokens used in the quota status");
            assertEquals(expected.tokenPercent(), status.getString("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent"));
            assertMoney(expected.costUsd(), status.getString("dimensions.find { it.dimension == 'TOTAL_COST_USD' }.used"),
                    "cost in the quota status");
            assertEquals(expected.costPercent(), status.getString("dimensions.find { it.dimension == 'TOTAL_COST_USD' }.percent"));

            assertAlertsAndMails(customer, expected.alerts());
        });
    }

    /** Exactly the expected alerts exist for the customer, each about OpenAI tokens and each mailed once. */
    private void assertAlertsAndMails(String customer, List<String> expectedTypes) throws Exception {
        JsonPath alerts = asCustomer(customer).get(url("alert-service") + "/alerts?customerId={c}", customer)
                .then().statusCode(200).extract().jsonPath();
        List<String> types = new ArrayList<>(alerts.getList("items.type", String.class));
        types.sort(null);
        List<String> expected = new ArrayList<>(expectedTypes);
        expected.sort(null);
        assertEquals(expected, types, "alerts of the customer");
        alerts.getList("items.dimension", String.class).forEach(d -> assertEquals("OPENAI_TOKENS", d));

        List<String> mailed = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            String subject = message.getSubject();
            boolean toAdmin = Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().contains(ADMIN_EMAIL));
            if (toAdmin && subject != null && subject.contains(customer)) {
                mailed.add(subject.contains("EXCEEDED") ? "EXCEEDED" : subject.contains("WARNING") ? "WARNING" : subject);
            }
        }
        mailed.sort(null);
        assertEquals(expected, mailed, "alert mails to the admin");
    }

    private void replayUsageEventsFromTheStart() throws Exception {
        CONSUMERS.forEach(name -> services.get(name).stop());
        try (Admin admin = infrastructure.kafka().admin()) {
            int partitions = admin.describeTopics(List.of("usage-events")).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get("usage-events").partitions().size();
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                start.put(new TopicPartition("usage-events", p), new OffsetAndMetadata(0));
            }
            for (String group : CONSUMERS) {
                await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() ->
                        admin.alterConsumerGroupOffsets(group, start).all().get(10, TimeUnit.SECONDS));
            }
            CONSUMERS.forEach(name -> services.get(name).start());
            CONSUMERS.forEach(name -> services.get(name).awaitReady(Duration.ofMinutes(2)));
            for (String group : CONSUMERS) {
                ConsumerGroups.awaitCaughtUp(admin, group, "usage-events", PATIENCE);
            }
        }
    }

    /** No platform API key and no provider key in plain text in any row of any service's database. */
    private void assertNoSecretInAnyDatabase(String apiKey, String providerKey) throws Exception {
        for (String database : List.of("gateway", "recorder", "aggregation", "quota", "alert")) {
            try (Connection connection = DriverManager.getConnection(infrastructure.postgres().jdbcUrl(database),
                    EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                 Statement statement = connection.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery(
                        "select table_name from information_schema.tables where table_schema = 'public'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                for (String table : tables) {
                    try (ResultSet rs = statement.executeQuery("select t::text from \"" + table + "\" t")) {
                        while (rs.next()) {
                            String row = rs.getString(1);
                            assertFalse(row.contains(apiKey), "platform API key in plain text in " + database + "." + table);
                            assertFalse(row.contains(apiKey.substring(13)), "API key secret in " + database + "." + table);
                            assertFalse(row.contains(providerKey), "provider key in plain text in " + database + "." + table);
                            assertFalse(row.contains(hex(apiKey)) || row.contains(hex(providerKey)),
                                    "a key stored as plain bytes in " + database + "." + table);
                        }
                    }
                }
            }
        }
    }


    private static void assertMoney(String expected, String actual, String what) {
        assertEquals(0, new BigDecimal(expected).compareTo(new BigDecimal(actual)),
                what + ": expected $" + expected + " but was $" + actual);
    }

    private String url(String service) {
        return services.get(service).url();
    }

    private static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

}
