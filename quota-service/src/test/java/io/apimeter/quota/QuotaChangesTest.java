package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.of;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.quota.QuotaTestKafka.statusRecords;
import static io.apimeter.quota.QuotaTestKafka.statuses;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.EventJson;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Limits changed in the middle of the month, and the quota-status the gateway blocks on: published by every
 * change, and by usage only when the decision changes.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class QuotaChangesTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldBlockAtOnceWhenEnforcementBecomesBlockWhileExceededAndUnblockAtOnceWhenTheLimitIsRaised() {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 1000}");
        KAFKA.publish(openai(customer, 1200, Instant.now()));
        alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.OPENAI_TOKENS);
        status(customer).body("blocked", equalTo(false))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.state", equalTo("EXCEEDED"));

        putQuota(customer, "{\"openaiTokens\": 1000, \"enforcement\": \"BLOCK\"}");
        status(customer).body("blocked", equalTo(true))
                .body("summary", equalTo("120% of token limit used, $0.01 spent (no budget); calls are blocked until a"
                        + " limit is raised or the month ends"));
        putQuota(customer, "{\"openaiTokens\": 2000, \"enforcement\": \"BLOCK\"}");
        status(customer).body("blocked", equalTo(false));

        List<ConsumerRecord<String, String>> records = statusRecords(customer, list -> !list.isEmpty()
                && new BigDecimal("2000").compareTo(list.get(list.size() - 1).dimensions().get(0).limit()) == 0);
        List<QuotaStatus> statuses = records.stream().map(r -> EventJson.readQuotaStatus(r.value())).toList();
        assertEquals(List.of(false, true, false), statuses.stream().map(QuotaStatus::blocked).toList(),
                "one status per change; the usage under ALERT_ONLY changed no decision");
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        assertEquals(new QuotaStatus.Dimension(QuotaDimension.OPENAI_TOKENS, new BigDecimal("1200"),
                new BigDecimal("1000"), new BigDecimal("120.00"), "BLOCK"), statuses.get(1).dimensions().get(0));
        assertEquals(new BigDecimal("60.00"), statuses.get(2).dimensions().get(0).percent());
        statuses.forEach(s -> assertEquals(month, s.month()));
        statuses.forEach(s -> assertNull(s.rateLimitedUntil()));
        ConsumerRecord<String, String> blocked = records.get(1);
        assertEquals(customer, blocked.key());
        assertEquals(QuotaStatus.TYPE, KafkaTestClient.header(blocked, "ce_type"));
        assertEquals("apimeter/quota-service", KafkaTestClient.header(blocked, "ce_source"));
        assertEquals(customer, KafkaTestClient.header(blocked, "ce_subject"));
    }

    @Test
    void shouldBlockWhenUsageReachesTheLimitUnderBlockButNeverForAnEarlierMonthsUsage() {
        String customer = newCustomer();
        putQuota(customer, "{\"totalCostUsd\": \"1\", \"enforcement\": \"BLOCK\"}");
        YearMonth current = YearMonth.now(ZoneOffset.UTC);
        KAFKA.publish(openai(customer, 10, "5", Months.start(current).minus(1, ChronoUnit.HOURS)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("month", current.minusMonths(1).toString()).when().get("/quotas/{id}/status", customer)
                .then().statusCode(200).body("calls", equalTo(1)).body("blocked", equalTo(false)));
        // Editing the quota while last month is far over the limit does not block this month.
        putQuota(customer, "{\"totalCostUsd\": \"1.00\", \"enforcement\": \"BLOCK\"}");
        status(customer).body("blocked", equalTo(false));

        UsageEvent half = openai(customer, 10, "0.5", Instant.now());
        UsageEvent over = openai(customer, 10, "0.6", Instant.now());
        KAFKA.publish(half);
        KAFKA.publish(over);

        List<QuotaStatus> statuses = statuses(customer, list -> list.stream().anyMatch(QuotaStatus::blocked));
        // Under a monthly BLOCK limit a status follows every batch of the customer's events, naming the last.
        QuotaStatus blocked = statuses.get(statuses.size() - 1);
        assertTrue(blocked.blocked());
        assertEquals(over.eventId(), blocked.lastEventId(), "the status names the last event it counted");
        assertEquals(List.of(false), statuses.subList(0, statuses.size() - 1).stream().map(QuotaStatus::blocked)
                .distinct().toList());
        assertEquals(current.toString(), blocked.month());
        assertEquals(new QuotaStatus.Dimension(QuotaDimension.TOTAL_COST_USD, new BigDecimal("1.1"), new BigDecimal("1"),
                new BigDecimal("110.00"), "BLOCK"), blocked.dimensions().get(0));
        status(customer).body("blocked", equalTo(true)).body("costSoFarUsd", equalTo("1.1"));
    }

    @Test
    void shouldLetAThresholdFireAgainAfterARaiseAboveUsageReArmedIt() {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 1000}");
        KAFKA.publish(openai(customer, 900, Instant.now()));
        alertsUntil(customer, AlertType.WARNING, QuotaDimension.OPENAI_TOKENS);

        putQuota(customer, "{\"openaiTokens\": 2000}");               // 45%: the warning is re-armed
        UsageEvent second = openai(customer, 800, Instant.now());     // 85%: it fires again
        KAFKA.publish(second);
        KAFKA.publish(openai(customer, 400, Instant.now()));          // 105%
        alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.OPENAI_TOKENS);
        putQuota(customer, "{\"openaiTokens\": 2500}");               // 84%: only EXCEEDED is re-armed
        KAFKA.publish(openai(customer, 500, Instant.now()));          // 104%

        List<AlertEvent> tokens = of(QuotaTestKafka.alerts(customer, list -> list.stream()
                .filter(a -> a.type() == AlertType.EXCEEDED).count() >= 2), QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of("WARNING 900/1000", "WARNING 1700/2000", "EXCEEDED 2100/2000", "EXCEEDED 2600/2500"),
                tokens.stream().map(a -> a.type() + " " + a.used() + "/" + a.limit()).toList());
        assertEquals(second.eventId(), tokens.get(1).causeEventId());
    }

    @Test
    void shouldRateLimitTheCustomerUntilTheEndOfTheMinuteUnderBlock() {
        String customer = newCustomer();
        putQuota(customer, "{\"requestsPerMinute\": 3, \"enforcement\": \"BLOCK\"}");
        // Enough of the minute left for the calls to be counted in it.
        Awaitility.await().pollInterval(Duration.ofMillis(200)).atMost(Duration.ofSeconds(30))
                .until(() -> Instant.now().atOffset(ZoneOffset.UTC).getSecond() < 35);
        Instant now = Instant.now();
        for (int i = 0; i < 4; i++) {
            KAFKA.publish(openai(customer, 10, now.plusMillis(i)));
        }

        QuotaStatus limited = statuses(customer, list -> list.stream().anyMatch(s -> s.rateLimitedUntil() != null))
                .stream().filter(s -> s.rateLimitedUntil() != null).findFirst().orElseThrow();
        assertEquals(now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES), limited.rateLimitedUntil());
        assertFalse(limited.blocked());
        assertEquals(new QuotaStatus.Dimension(QuotaDimension.REQUESTS_PER_MINUTE, new BigDecimal("4"),
                new BigDecimal("3"), new BigDecimal("133.33"), "BLOCK"), limited.dimensions().get(0));
        alertsUntil(customer, AlertType.RATE_LIMIT, QuotaDimension.REQUESTS_PER_MINUTE);
    }

    private static void putQuota(String customer, String body) {
        asAdmin().contentType(ContentType.JSON).body(body)
                .when().put("/quotas/{id}", customer)
                .then().statusCode(200);
    }

    private static io.restassured.response.ValidatableResponse status(String customer) {
        return asAdmin().when().get("/quotas/{id}/status", customer).then().statusCode(200);
    }
}
