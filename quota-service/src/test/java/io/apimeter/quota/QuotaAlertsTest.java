package io.apimeter.quota;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.quota.QuotaTestKafka.alertRecords;
import static io.apimeter.quota.QuotaTestKafka.alerts;
import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.of;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.quota.QuotaTestKafka.parse;
import static io.apimeter.quota.QuotaTestKafka.smartflo;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class QuotaAlertsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final Instant JAN = Instant.parse("2025-01-15T10:00:00Z");
    private static final Instant FEB = Instant.parse("2025-02-03T08:30:00Z");

    @Test
    void shouldWarnOnceAtEightyPercentAndExceedOnceAtHundredPercent() {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 1000, \"elevenlabsCharacters\": 100}");
        UsageEvent half = openai(customer, 500, JAN);
        UsageEvent eighty = openai(customer, 300, JAN.plusSeconds(1));
        UsageEvent ninety = openai(customer, 100, JAN.plusSeconds(2));
        UsageEvent hundred = openai(customer, 100, JAN.plusSeconds(3));
        UsageEvent beyond = openai(customer, 50, JAN.plusSeconds(4));
        List.of(half, eighty, ninety, hundred, beyond).forEach(KAFKA::publish);
        // A later crossing of another dimension: once it is out, every earlier alert is out too.
        KAFKA.publish(elevenlabs(customer, 100, JAN.plusSeconds(5)));

        List<ConsumerRecord<String, String>> records = alertRecords(customer, alerts -> alerts.stream()
                .anyMatch(a -> a.dimension() == QuotaDimension.ELEVENLABS_CHARACTERS && a.type() == AlertType.EXCEEDED));
        List<AlertEvent> alerts = parse(records);
        List<AlertEvent> tokens = of(alerts, QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens.stream().map(AlertEvent::type).toList());

        AlertEvent warning = tokens.get(0);
        assertEquals(80, warning.thresholdPercent());
        assertEquals(new BigDecimal("800"), warning.used());
        assertEquals(new BigDecimal("1000"), warning.limit());
        assertEquals("2025-01", warning.month());
        assertEquals(eighty.eventId(), warning.causeEventId());
        assertEquals(eighty.occurredAt(), warning.occurredAt());
        assertEquals(customer + " has used 80% of its monthly OpenAI token limit (800 of 1,000 tokens)",
                warning.message());

        AlertEvent exceeded = tokens.get(1);
        assertEquals(100, exceeded.thresholdPercent());
        assertEquals(new BigDecimal("1000"), exceeded.used());
        assertEquals(hundred.eventId(), exceeded.causeEventId());

        ConsumerRecord<String, String> first = records.get(0);
        assertEquals(customer, first.key());
        assertEquals(AlertEvent.TYPE, KafkaTestClient.header(first, "ce_type"));
        assertEquals("apimeter/quota-service", KafkaTestClient.header(first, "ce_source"));
        assertEquals(alerts.get(0).eventId().toString(), KafkaTestClient.header(first, "ce_id"));
        assertEquals(customer, KafkaTestClient.header(first, "ce_subject"));

        status(customer, "2025-01")
                .body("calls", equalTo(6))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("1050"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent", equalTo("105.00"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.exceeded", equalTo(true));
    }

    @Test
    void shouldEmitWarningThenExceededWhenOneCallJumpsPastBoth() {
        String customer = newCustomer();
        putQuota(customer, "{\"smartfloMinutes\": \"10\", \"totalCostUsd\": \"1.00\"}");
        UsageEvent call = smartflo(customer, 600, "1.5", JAN);
        KAFKA.publish(call);

        List<AlertEvent> alerts = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.TOTAL_COST_USD);
        assertEquals(List.of("SMARTFLO_MINUTES/WARNING", "SMARTFLO_MINUTES/EXCEEDED", "TOTAL_COST_USD/WARNING",
                "TOTAL_COST_USD/EXCEEDED"), alerts.stream().map(a -> a.dimension() + "/" + a.type()).toList());
        alerts.forEach(a -> assertEquals(call.eventId(), a.causeEventId()));
        AlertEvent cost = alerts.get(3);
        assertEquals(new BigDecimal("1.5"), cost.used());
        assertEquals(new BigDecimal("1"), cost.limit());
        assertEquals(customer + " has exceeded its monthly cost limit: 150% used ($1.50 of $1.00)", cost.message());
        assertEquals(new BigDecimal("10"), alerts.get(0).used());
    }

    @Test
    void shouldChangeNeitherCountersNorAlertsWhenEventsAreRedelivered() {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 1000}");
        UsageEvent first = openai(customer, 850, JAN);
        KAFKA.publish(first);
        alertsUntil(customer, AlertType.WARNING, QuotaDimension.OPENAI_TOKENS);

        KAFKA.publish(first);
        KAFKA.publish(first);
        // Same partition, so applied after the redeliveries.
        KAFKA.publish(openai(customer, 200, JAN.plusSeconds(60)));

        List<AlertEvent> alerts = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), alerts.stream().map(AlertEvent::type).toList());
        assertEquals(new BigDecimal("1050"), alerts.get(1).used());
        status(customer, "2025-01")
                .body("calls", equalTo(2))
                .body("costUsd", equalTo("0.02"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("1050"));
    }

    @Test
    void shouldStartEachMonthAtZero() {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 1000}");
        KAFKA.publish(openai(customer, 900, JAN));
        KAFKA.publish(openai(customer, 100, FEB));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> status(customer, "2025-02")
                .body("calls", equalTo(1))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("100"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent", equalTo("10.00")));
        status(customer, "2025-01")
                .body("calls", equalTo(1))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("900"));

        KAFKA.publish(openai(customer, 700, FEB.plusSeconds(60)));
        List<AlertEvent> alerts = alerts(customer, list -> list.stream().anyMatch(a -> "2025-02".equals(a.month())));
        assertEquals(List.of("2025-01/WARNING", "2025-02/WARNING"),
                alerts.stream().map(a -> a.month() + "/" + a.type()).toList());
        assertEquals(new BigDecimal("800"), alerts.get(1).used());
    }

    @Test
    void shouldFireDueAlertsWhenALimitIsLoweredBelowUsage() {
        String customer = newCustomer();
        Instant now = Instant.now();
        KAFKA.publish(openai(customer, 500, now));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> status(customer, null)
                .body("calls", equalTo(1))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.limit", equalTo(null)));

        putQuota(customer, "{\"openaiTokens\": 400}");
        List<AlertEvent> alerts = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), alerts.stream().map(AlertEvent::type).toList());
        assertEquals(YearMonth.now(ZoneOffset.UTC).toString(), alerts.get(0).month());
        assertEquals(new BigDecimal("500"), alerts.get(0).used());
        assertEquals(new BigDecimal("400"), alerts.get(0).limit());
        assertNull(alerts.get(0).causeEventId());

        // Saving the same limits again fires nothing new; a later crossing shows that all earlier alerts are out.
        putQuota(customer, "{\"openaiTokens\": 400, \"elevenlabsCharacters\": 5}");
        KAFKA.publish(elevenlabs(customer, 10, now));
        List<AlertEvent> all = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS);
        assertEquals(2, of(all, QuotaDimension.OPENAI_TOKENS).size());
        assertEquals(2, of(all, QuotaDimension.ELEVENLABS_CHARACTERS).size());
    }

    /** The quota, in force in the past months this test counts in. */
    private static void putQuota(String customer, String body) {
        LimitsInForce.putQuota(customer, body);
    }

    private static io.restassured.response.ValidatableResponse status(String customer, String month) {
        var request = asAdmin();
        if (month != null) {
            request = request.queryParam("month", month);
        }
        return request.when().get("/quotas/{id}/status", customer).then().statusCode(200);
    }
}
