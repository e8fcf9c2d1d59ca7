package io.apimeter.aggregation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.events.UsageKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A Smartflo call is one request (its click-to-call); its billed seconds and their corrections add minutes and cost. */
class SmartfloCallTotalsTest {
    private static final Instant PLACED = Instant.parse("2026-11-04T10:00:00Z");

    private static UsageEvent event(UsageKind kind, String operation, Outcome outcome, long seconds, String amount) {
        return new UsageEvent(UUID.randomUUID(), "acme", "key-acme", Provider.SMARTFLO, operation, null, null, PLACED,
                0, 200, outcome, new Usage(0, 0, 0, 0, 0, seconds, false),
                amount == null ? Cost.unpricedCost() : Cost.of(new BigDecimal(amount), "smartflo/default/1", 1), kind);
    }

    @Test
    void shouldCountACallOnceWhateverItsRecordAndCorrectionAdd() {
        Totals totals = new Totals()
                .add(event(null, "click-to-call", Outcome.SUCCESS, 0, "0"))
                .add(event(UsageKind.REPORT, "call", Outcome.SUCCESS, 61, "0.020333333333"))
                .add(event(UsageKind.ADJUSTMENT, "call.adjustment", Outcome.SUCCESS, -31, "-0.010333333333"));
        assertEquals(1, totals.calls);
        assertEquals(0, totals.errors);
        assertEquals(30, totals.callSeconds, "61 s billed, then corrected to 30 s");
        assertEquals(0, new BigDecimal("0.01").compareTo(totals.costUsd), totals.costUsd.toPlainString());
        assertEquals("0.01", totals.view().costUsd());
    }

    @Test
    void shouldCountAnUnpricedCallOnceAndNoReportAsAnError() {
        Totals totals = new Totals()
                .add(event(UsageKind.REQUEST, "click-to-call", Outcome.SUCCESS, 0, null))
                .add(event(UsageKind.REPORT, "call", Outcome.PROVIDER_ERROR, 42, null));
        assertEquals(1, totals.calls);
        assertEquals(0, totals.errors);
        assertEquals(1, totals.unpricedCalls);
        assertEquals(42, totals.callSeconds);
    }
}
