package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.of;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** An earlier month is judged against the limits it had, not against limits set after it ended. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class EarlierMonthLimitsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final Instant SEPTEMBER = Instant.parse("2025-09-15T10:00:00Z");

    @Test
    void shouldJudgeAnEarlierMonthAgainstItsOwnLimitsAfterTheLimitChanged() {
        String customer = newCustomer();
        LimitsInForce.putQuota(customer, "{\"openaiTokens\": 1000, \"warnAtPercent\": 80}");
        KAFKA.publish(openai(customer, 900, SEPTEMBER));
        alertsUntil(customer, AlertType.WARNING, QuotaDimension.OPENAI_TOKENS);

        // Raised today, with another warning percent: September keeps 1,000 tokens and 80%.
        asAdmin().contentType(ContentType.JSON).body("{\"openaiTokens\": 5000, \"warnAtPercent\": 95}")
                .when().put("/quotas/{id}", customer).then().statusCode(200);
        status(customer, "2025-09")
                .body("warnAtPercent", equalTo(80))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.limit", equalTo("1000"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent", equalTo("90.00"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.state", equalTo("WARNING"));
        status(customer, null)
                .body("warnAtPercent", equalTo(95))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.limit", equalTo("5000"));

        // A late call of September takes it past its own limit (21% of today's): EXCEEDED for September.
        UsageEvent late = openai(customer, 150, SEPTEMBER.plusSeconds(3600));
        KAFKA.publish(late);
        List<AlertEvent> tokens = of(alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.OPENAI_TOKENS),
                QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens.stream().map(AlertEvent::type).toList());
        AlertEvent exceeded = tokens.get(1);
        assertEquals("2025-09", exceeded.month());
        assertEquals(new BigDecimal("1000"), exceeded.limit());
        assertEquals(new BigDecimal("1050"), exceeded.used());
        assertEquals(late.eventId(), exceeded.causeEventId());
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> status(customer, "2025-09")
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent", equalTo("105.00"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.state", equalTo("EXCEEDED"))
                .body("blocked", equalTo(false)));
    }

    @Test
    void shouldJudgeAMonthBeforeAnyQuotaAsUnlimited() {
        String customer = newCustomer();
        KAFKA.publish(openai(customer, 900, SEPTEMBER));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> status(customer, "2025-09")
                .body("calls", equalTo(1)));
        asAdmin().contentType(ContentType.JSON).body("{\"openaiTokens\": 100}")
                .when().put("/quotas/{id}", customer).then().statusCode(200);
        status(customer, "2025-09")
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.limit", equalTo(null))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.state", equalTo("OK"));
    }

    private static ValidatableResponse status(String customer, String month) {
        var request = asAdmin();
        if (month != null) {
            request = request.queryParam("month", month);
        }
        return request.when().get("/quotas/{id}/status", customer).then().statusCode(200);
    }
}
