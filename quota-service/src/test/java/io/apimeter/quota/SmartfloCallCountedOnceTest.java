package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.ofType;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.AlertType;
import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.events.UsageKind;
import io.apimeter.quota.service.ActivityCounters;
import io.apimeter.quota.service.QuotaService;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Smartflo call is one request, its click-to-call: the billed seconds reported later and their correction add
 * seconds and cost (a negative correction lowers them) but are neither calls nor requests per minute.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class SmartfloCallCountedOnceTest {
    private static final Instant PLACED = Instant.parse("2025-08-11T09:00:00Z");

    @Inject
    QuotaService quotas;

    @Inject
    ActivityCounters counters;

    @Test
    void shouldCountACallOnceAndItsRecordAndCorrectionAsMinutesAndCostOnly() {
        String customer = newCustomer();
        // In force in 2025-08, the month the call was placed in.
        LimitsInForce.putQuota(customer, "{\"requestsPerMinute\": 1, \"elevenlabsCharacters\": 1}");
        UsageEvent placed = smartflo(customer, null, "click-to-call", 0, "0");
        UsageEvent billed = smartflo(customer, UsageKind.REPORT, "call", 61, "0.020333333333");
        UsageEvent corrected = smartflo(customer, UsageKind.ADJUSTMENT, "call.adjustment", -31, "-0.010333333333");

        assertEquals(3, quotas.applyAll(List.of(placed, billed, corrected)));
        assertEquals(0, quotas.applyAll(List.of(corrected)), "a correction delivered again changes nothing");

        assertEquals(1, counters.requestsIn(customer, PLACED), "one request in the minute the call was placed");
        ActivityCounters.Totals hour = QuarkusTransaction.requiringNew()
                .call(() -> counters.hours(customer, PLACED, PLACED.plusSeconds(3600)));
        assertEquals(1, hour.requests(), "one request in the hour (the baseline of unusual activity)");
        ActivityCounters.Totals minute = QuarkusTransaction.requiringNew()
                .call(() -> counters.minutes(customer, PLACED, PLACED.plusSeconds(60)));
        assertEquals(0, new BigDecimal("0.01").compareTo(minute.costUsd()), minute.toString());
        asAdmin().queryParam("month", "2025-08").when().get("/quotas/{id}/status", customer)
                .then().statusCode(200)
                .body("calls", equalTo(1))
                .body("costUsd", equalTo("0.01"))
                .body("dimensions.find { it.dimension == 'SMARTFLO_MINUTES' }.used", equalTo("0.5"));

        // A limit of one request a minute is not crossed by the call's record or its correction.
        quotas.apply(elevenlabs(customer, 5, PLACED.plusSeconds(300)));
        assertEquals(List.of(), ofType(alertsUntil(customer, AlertType.EXCEEDED,
                QuotaDimension.ELEVENLABS_CHARACTERS), AlertType.RATE_LIMIT));
    }

    private static UsageEvent smartflo(String customer, UsageKind kind, String operation, long seconds,
                                       String amount) {
        return new UsageEvent(UUID.randomUUID(), customer, "key-" + customer, Provider.SMARTFLO, operation, null,
                null, PLACED, 0, 200, Outcome.SUCCESS, new Usage(0, 0, 0, 0, 0, seconds, false),
                Cost.of(new BigDecimal(amount), "smartflo/default/1", 1), kind);
    }
}
