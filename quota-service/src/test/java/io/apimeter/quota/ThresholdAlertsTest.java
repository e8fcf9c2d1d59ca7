package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.of;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.quota.QuotaTestKafka.smartflo;
import static io.apimeter.testkit.SampleEvents.newCustomer;
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
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** WARNING at the warning percent and EXCEEDED at 100%, once each, for every monthly dimension. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class ThresholdAlertsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final Instant AT = Instant.parse("2025-05-12T09:00:00Z");

    @ParameterizedTest
    @EnumSource(value = QuotaDimension.class,
            names = {"OPENAI_TOKENS", "ELEVENLABS_CHARACTERS", "SMARTFLO_MINUTES", "TOTAL_COST_USD"})
    void shouldWarnAtTheWarningPercentAndExceedAtTheLimitOnceInEachMonthlyDimension(QuotaDimension dimension) {
        String customer = newCustomer();
        // The limit is 10 units (1,000 tokens or characters, 10 minutes, $10); usage goes to 50%, 85%, 90%,
        // 100% and 120% of it. A later EXCEEDED of another dimension shows that every alert of the steps is out.
        BigDecimal scale = scale(dimension);
        QuotaDimension marker = dimension == QuotaDimension.ELEVENLABS_CHARACTERS
                ? QuotaDimension.OPENAI_TOKENS : QuotaDimension.ELEVENLABS_CHARACTERS;
        LimitsInForce.putQuota(customer, "{\"" + field(dimension) + "\": \"" + BigDecimal.TEN.multiply(scale)
                + "\", \"" + field(marker) + "\": 1}");

        List<UsageEvent> steps = List.of(step(dimension, customer, "5", 0), step(dimension, customer, "3.5", 1),
                step(dimension, customer, "0.5", 2), step(dimension, customer, "1", 3),
                step(dimension, customer, "2", 4));
        steps.forEach(KAFKA::publish);
        KAFKA.publish(marker == QuotaDimension.OPENAI_TOKENS ? openai(customer, 5, "0", AT.plusSeconds(60))
                : elevenlabs(customer, 5, "0", AT.plusSeconds(60)));

        List<AlertEvent> alerts = of(alertsUntil(customer, AlertType.EXCEEDED, marker), dimension);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), alerts.stream().map(AlertEvent::type).toList());
        AlertEvent warning = alerts.get(0);
        assertEquals(80, warning.thresholdPercent());
        assertEquals(0, new BigDecimal("8.5").multiply(scale).compareTo(warning.used()));
        assertEquals(0, BigDecimal.TEN.multiply(scale).compareTo(warning.limit()));
        assertEquals(steps.get(1).eventId(), warning.causeEventId());
        assertEquals("2025-05", warning.month());
        AlertEvent exceeded = alerts.get(1);
        assertEquals(100, exceeded.thresholdPercent());
        assertEquals(0, BigDecimal.TEN.multiply(scale).compareTo(exceeded.used()));
        assertEquals(steps.get(3).eventId(), exceeded.causeEventId());
        assertEquals(customer, exceeded.customerId());
    }

    /** Tokens and characters count in whole units: their steps are 100 times larger. */
    private static BigDecimal scale(QuotaDimension dimension) {
        return dimension == QuotaDimension.OPENAI_TOKENS || dimension == QuotaDimension.ELEVENLABS_CHARACTERS
                ? BigDecimal.valueOf(100) : BigDecimal.ONE;
    }

    private static String field(QuotaDimension dimension) {
        return switch (dimension) {
            case OPENAI_TOKENS -> "openaiTokens";
            case ELEVENLABS_CHARACTERS -> "elevenlabsCharacters";
            case SMARTFLO_MINUTES -> "smartfloMinutes";
            case TOTAL_COST_USD -> "totalCostUsd";
            case REQUESTS_PER_MINUTE -> "requestsPerMinute";
        };
    }

    /** A call that uses {@code amount} units of the dimension and nothing of the others (no cost unless cost). */
    private static UsageEvent step(QuotaDimension dimension, String customer, String amount, int second) {
        Instant at = AT.plusSeconds(second);
        BigDecimal value = new BigDecimal(amount);
        return switch (dimension) {
            case OPENAI_TOKENS -> openai(customer, value.multiply(BigDecimal.valueOf(100)).longValueExact(), "0", at);
            case ELEVENLABS_CHARACTERS -> elevenlabs(customer, value.multiply(BigDecimal.valueOf(100)).longValueExact(),
                    "0", at);
            case SMARTFLO_MINUTES -> smartflo(customer, value.multiply(BigDecimal.valueOf(60)).longValueExact(), "0", at);
            case TOTAL_COST_USD -> smartflo(customer, 0, amount, at);
            case REQUESTS_PER_MINUTE -> throw new IllegalArgumentException();
        };
    }
}
