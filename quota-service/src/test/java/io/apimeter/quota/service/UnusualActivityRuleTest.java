package io.apimeter.quota.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UnusualActivityRuleTest {
    private static final long WEEK = 7 * 24;
    private final UnusualActivityRule rule = new UnusualActivityRule(BigDecimal.valueOf(5), 100, new BigDecimal("5"));

    private static ActivityCounters.Totals totals(long requests, String cost) {
        return new ActivityCounters.Totals(requests, new BigDecimal(cost));
    }

    @Test
    void shouldFindRequestsFarAboveTheCustomersOwnHourlyAverage() {
        UnusualActivityRule.Finding finding = rule.evaluate("acme", totals(412, "0.50"), totals(42 * WEEK, "84"),
                WEEK, 7).orElseThrow();
        assertEquals("acme made 412 requests in the last hour, 9.8x its 7-day hourly average of 42", finding.message());
        assertNull(finding.dimension());
        assertEquals(new BigDecimal("412"), finding.used());
    }

    @Test
    void shouldFindCostFarAboveTheCustomersOwnHourlyAverage() {
        UnusualActivityRule.Finding finding = rule.evaluate("acme", totals(10, "52.40"), totals(10 * WEEK,
                "727.44"), WEEK, 7).orElseThrow();
        assertEquals("acme spent $52.40 in the last hour, 12.1x its 7-day hourly average of $4.33", finding.message());
        assertEquals(QuotaDimension.TOTAL_COST_USD, finding.dimension());
        assertEquals(new BigDecimal("52.4"), finding.used());
    }

    @Test
    void shouldNameBothWhenRequestsAndCostAreUnusual() {
        UnusualActivityRule.Finding finding = rule.evaluate("acme", totals(300, "30"), totals(WEEK, "1.68"), WEEK, 7)
                .orElseThrow();
        assertEquals("acme made 300 requests in the last hour, 300x its 7-day hourly average of 1;"
                + " it spent $30.00 in that hour, 3,000x its 7-day hourly average of $0.01", finding.message());
        assertEquals(QuotaDimension.TOTAL_COST_USD, finding.dimension());
    }

    @Test
    void shouldNotFindWhatIsAtMostFactorTimesTheAverage() {
        assertTrue(rule.evaluate("acme", totals(210, "0"), totals(42 * WEEK, "0"), WEEK, 7).isEmpty());
        assertTrue(rule.evaluate("acme", totals(0, "21.65"), totals(0, "727.44"), WEEK, 7).isEmpty());
    }

    @Test
    void shouldNotFindALastHourBelowTheMinimums() {
        assertTrue(rule.evaluate("acme", totals(99, "4.99"), totals(0, "0"), WEEK, 7).isEmpty());
    }

    @Test
    void shouldSpeakOfTheHoursOfAShorterHistoryAndOfAZeroAverage() {
        assertEquals("acme made 120 requests in the last hour, 200x its hourly average of 0.6 over the previous 30 hours",
                rule.evaluate("acme", totals(120, "0"), totals(18, "0"), 30, 7).orElseThrow().message());
        assertEquals("acme made 150 requests in the last hour, against its 7-day hourly average of 0",
                rule.evaluate("acme", totals(150, "0"), totals(0, "0"), WEEK, 7).orElseThrow().message());
    }

    @Test
    void shouldHonourAConfiguredFactorAndMinimum() {
        UnusualActivityRule strict = new UnusualActivityRule(BigDecimal.valueOf(2), 10, new BigDecimal("1"));
        assertTrue(strict.evaluate("acme", totals(11, "0"), totals(5 * WEEK, "0"), WEEK, 7).isPresent());
        assertTrue(strict.evaluate("acme", totals(10, "0"), totals(5 * WEEK, "0"), WEEK, 7).isEmpty());
    }
}
