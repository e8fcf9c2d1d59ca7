package io.apimeter.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.EventJson;
import io.apimeter.events.Months;
import io.apimeter.events.UsageEvent;
import io.apimeter.events.UsageKind;
import io.apimeter.gateway.service.SmartfloCallJournal;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Calls billed from Smartflo's own records when its webhook did not bill them: the reconciliation job (run every
 * second here, for calls placed two seconds ago), the UNBILLED_CALL alert (after six seconds here), and calls placed
 * while the database is down. A database of its own, since it is taken down.
 */
@QuarkusTest
@TestProfile(SmartfloReconciliationTest.FastReconciliation.class)
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = SmartfloReconciliationTest.DATABASE))
@WithTestResource(SimulatorTestResource.class)
class SmartfloReconciliationTest {
    static final String DATABASE = "gateway_smartflo";

    @Inject
    SmartfloCallJournal journal;

    public static class FastReconciliation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("apimeter.gateway.smartflo.reconciliation.after", "2s",
                    "apimeter.gateway.smartflo.reconciliation.interval", "1s",
                    "apimeter.gateway.smartflo.reconciliation.alert-after", "6s",
                    // written into the database by the test, so that it can see the call in the journal only
                    "apimeter.gateway.smartflo.journal.replay-interval", "1h");
        }
    }

    private static String placeCall(GatewayTestSupport.Tenant tenant) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(Map.of("agent_number", "+911111111111", "destination_number", "+912222222222"))
                .post("/smartflo/v1/click_to_call").then().statusCode(200).extract().path("call_id");
    }

    @Test
    void shouldBillACallWhoseRecordNeverCameFromSmartflosCallRecords() {
        var tenant = GatewayTestSupport.newTenant();
        String token = GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String callId = placeCall(tenant);
        // The call ends; Smartflo keeps its record but its webhook never reaches the gateway.
        SimulatorTestResource.simulator().completeCall(callId, 73);

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 2);
        assertEquals(List.of("click-to-call", "call"), events.stream().map(UsageEvent::operation).toList());
        UsageEvent billed = events.get(1);
        assertEquals(UsageKind.REPORT, billed.kind());
        assertEquals(73, billed.usage().callSeconds());
        assertEquals(new BigDecimal("0.024333333333"), billed.cost().amount(), "73 s at $0.02 a minute");
        assertEquals(events.get(0).occurredAt(), billed.occurredAt(), "billed in the month the call was placed");
        assertTrue(SimulatorTestResource.simulator().requests().stream().anyMatch(r ->
                r.path().equals("/smartflo/v1/call/records") && r.query().contains("call_id=" + callId)
                        && ("Bearer " + token).equals(r.headers().get("authorization"))),
                "asked Smartflo's call records with the customer's own token");
    }

    @Test
    void shouldCorrectAWebhookRecordThatSmartflosOwnRecordContradicts() {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String secret = SmartfloWebhooks.issueSecret(tenant.customerId());
        String callId = placeCall(tenant);
        SimulatorTestResource.simulator().completeCall(callId, 45);
        // Someone who knows the webhook secret posts a record of nothing.
        SmartfloWebhooks.post(tenant.customerId(), secret, "{\"call_id\":\"" + callId + "\",\"billsec\":0}")
                .statusCode(200).body("duplicate", equalTo(false));

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 3);
        assertEquals(List.of("click-to-call", "call", "call.adjustment"),
                events.stream().map(UsageEvent::operation).toList());
        assertEquals(0, events.get(1).usage().callSeconds());
        UsageEvent corrected = events.get(2);
        assertEquals(UsageKind.ADJUSTMENT, corrected.kind());
        assertEquals(45, corrected.usage().callSeconds());
        assertEquals(new BigDecimal("0.015"), corrected.cost().amount());
    }

    @Test
    void shouldRaiseOneUnbilledCallAlertForACallWithoutAnyRecord() {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String callId = placeCall(tenant);
        Instant placed = Instant.now();

        List<AlertEvent> alerts = unbilledAlerts(callId, found -> !found.isEmpty());
        AlertEvent alert = alerts.get(0);
        assertEquals(AlertType.UNBILLED_CALL, alert.type());
        assertEquals(AlertEvent.PLATFORM, alert.customerId(), "for the admins");
        assertEquals(Months.of(placed).toString(), alert.month());
        assertTrue(alert.message().contains(tenant.customerId()), alert.message());
        assertTrue(alert.message().contains("no record"), alert.message());
        assertNull(alert.dimension());
        // later runs look the call up again (once per six seconds here) but raise nothing more
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30)).until(() ->
                unbilledAlerts(callId, found -> !found.isEmpty()).size() == 1);
    }

    @Test
    void shouldKeepACallPlacedWhileTheDatabaseIsDownAndBillItsRecordOnceItIsBack() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String secret = SmartfloWebhooks.issueSecret(tenant.customerId());
        placeCall(tenant); // the key and the Smartflo token are now in the gateway's memory
        String callId;
        String record;
        try {
            allowConnections(false);
            callId = placeCall(tenant);
            record = SimulatorTestResource.simulator().completeCall(callId, 33);
            // Smartflo's record while the database is down: retriable, not 404
            SmartfloWebhooks.post(tenant.customerId(), secret, record).statusCode(503)
                    .header("Retry-After", notNullValue()).body("success", equalTo(false));
        } finally {
            allowConnections(true);
        }
        // The database is back, the call still only in this replica's journal: retriable, not 404.
        // (until the gateway's pool has replaced the connections cut, a record may get the database's own 503)
        assertTrue(journal.holds(callId));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                SmartfloWebhooks.post(tenant.customerId(), secret, record).statusCode(503)
                        .header("Retry-After", notNullValue()).body("message", containsString("not stored yet")));
        // What the journal's background task does every replay-interval (an hour in this test)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> journal.replay() == 1);
        assertFalse(journal.holds(callId));
        SmartfloWebhooks.post(tenant.customerId(), secret, record).statusCode(200);
        placeCall(tenant); // metered after the record: nothing billed twice may come after it

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 4);
        assertEquals(List.of("click-to-call", "click-to-call", "call", "click-to-call"),
                events.stream().map(UsageEvent::operation).toList(), events.toString());
        assertEquals(33, events.get(2).usage().callSeconds());
    }

    private static List<AlertEvent> unbilledAlerts(String callId,
                                                   java.util.function.Predicate<List<AlertEvent>> done) {
        try (KafkaTestClient kafka = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            List<ConsumerRecord<String, String>> records = kafka.readKey("alert-events", AlertEvent.PLATFORM,
                    found -> done.test(parse(found, callId)), Duration.ofSeconds(30));
            return parse(records, callId);
        }
    }

    private static List<AlertEvent> parse(List<ConsumerRecord<String, String>> records, String callId) {
        return records.stream().map(r -> EventJson.readAlertEvent(r.value()))
                .filter(a -> a.type() == AlertType.UNBILLED_CALL && a.message().contains(callId + ","))
                .toList();
    }

    /** Takes the gateway's database away (its connections cut, new ones refused), or gives it back. */
    private static void allowConnections(boolean allow) throws SQLException {
        EmbeddedPostgresServer postgres = SharedInfrastructure.get().postgres();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"),
                EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute("alter database " + DATABASE + " with allow_connections " + allow);
            if (!allow) {
                statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                        + DATABASE + "'");
            }
        }
    }
}
