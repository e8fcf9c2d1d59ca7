package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.of;
import static io.apimeter.quota.QuotaTestKafka.ofType;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.UsageEvent;
import io.apimeter.quota.service.QuotaService;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch of events applied in one transaction counts each event once and judges every threshold in event order:
 * copies within the batch and a redelivered prefix count nothing, several customers are kept apart, and a crossing
 * in the middle of a batch fires for the event that crossed.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class BatchApplyTest {
    private static final Instant AT = Instant.parse("2025-07-10T12:00:00Z");

    @Inject
    QuotaService quotas;

    @Test
    void shouldCountEachEventOnceAndAlertForTheEventThatCrossedInTheMiddleOfABatch() {
        String first = newCustomer();
        String second = newCustomer();
        putQuota(first, "{\"openaiTokens\": 1000, \"elevenlabsCharacters\": 1}");
        putQuota(second, "{\"openaiTokens\": 1000, \"elevenlabsCharacters\": 1}");
        UsageEvent a = openai(first, 300, AT);
        UsageEvent b = openai(first, 300, AT.plusSeconds(1));
        UsageEvent crossesWarning = openai(first, 300, AT.plusSeconds(2));
        UsageEvent crossesLimit = openai(first, 300, AT.plusSeconds(3));
        UsageEvent other = openai(second, 100, AT.plusSeconds(1));

        int applied = quotas.applyAll(List.of(a, other, b, a, crossesWarning, other, crossesLimit,
                openai(second, 100, AT.plusSeconds(4))));
        assertEquals(6, applied, "the copies within the batch count nothing");

        // a redelivered prefix of the batch, then one new event: only the new one counts
        assertEquals(1, quotas.applyAll(List.of(a, other, b, crossesWarning, openai(first, 50, AT.plusSeconds(5)))));

        quotas.apply(elevenlabs(first, 5, AT.plusSeconds(6)));
        List<AlertEvent> tokens = of(alertsUntil(first, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS),
                QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens.stream().map(AlertEvent::type).toList());
        assertEquals(crossesWarning.eventId(), tokens.get(0).causeEventId(), "fired by the event that crossed 80%");
        assertEquals(new BigDecimal("900"), tokens.get(0).used());
        assertEquals(crossesLimit.eventId(), tokens.get(1).causeEventId(), "fired by the event that crossed 100%");
        assertEquals(new BigDecimal("1200"), tokens.get(1).used());
        asAdmin().queryParam("month", "2025-07").when().get("/quotas/{id}/status", first)
                .then().statusCode(200)
                .body("calls", equalTo(6))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("1250"));
        asAdmin().queryParam("month", "2025-07").when().get("/quotas/{id}/status", second)
                .then().statusCode(200)
                .body("calls", equalTo(2))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("200"));

        quotas.apply(elevenlabs(second, 5, AT.plusSeconds(6)));
        List<AlertEvent> secondAlerts = alertsUntil(second, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS);
        assertEquals(List.of(), of(secondAlerts, QuotaDimension.OPENAI_TOKENS), "the other customer stays under 80%");
    }

    @Test
    void shouldFireOneRateLimitAlertForTheCallOverTheLimitWithinABatch() {
        String customer = newCustomer();
        putQuota(customer, "{\"requestsPerMinute\": 3, \"elevenlabsCharacters\": 1}");
        List<UsageEvent> sameMinute = List.of(openai(customer, 10, AT), openai(customer, 10, AT.plusSeconds(1)),
                openai(customer, 10, AT.plusSeconds(2)), openai(customer, 10, AT.plusSeconds(3)),
                openai(customer, 10, AT.plusSeconds(4)));
        assertEquals(5, quotas.applyAll(sameMinute));
        quotas.apply(elevenlabs(customer, 5, AT.plusSeconds(300)));

        List<AlertEvent> alerts = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS);
        List<AlertEvent> rateLimits = ofType(alerts, AlertType.RATE_LIMIT);
        assertEquals(1, rateLimits.size(), "one burst, one alert: " + rateLimits);
        assertEquals(new BigDecimal("4"), rateLimits.get(0).used(), "fired by the fourth call of the minute");
        assertEquals(sameMinute.get(3).eventId(), rateLimits.get(0).causeEventId());
    }

    /** The quota, in force in the past months this test counts in. */
    private static void putQuota(String customer, String body) {
        LimitsInForce.putQuota(customer, body);
    }
}
