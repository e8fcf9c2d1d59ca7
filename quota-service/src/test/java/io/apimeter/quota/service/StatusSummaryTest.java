package io.apimeter.quota.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusSummaryTest {
    private static final YearMonth NOV = YearMonth.of(2026, 11);

    private static DimensionUsage usage(QuotaDimension dimension, String measured, String limit) {
        return new DimensionUsage(dimension, new BigDecimal(measured), limit == null ? null : new BigDecimal(limit));
    }

    private static MonthlyReport report(boolean blocked, Instant rateLimitedUntil, DimensionUsage... dimensions) {
        return new MonthlyReport("acme", NOV, BigDecimal.ZERO, 0, List.of(dimensions), null, Enforcement.ALERT_ONLY, 80,
                blocked, rateLimitedUntil);
    }

    @Test
    void shouldSayHowMuchOfEachLimitIsUsedAndTheCostInDollarsOfTheBudget() {
        assertEquals("62% of token limit used, $18.60 of $200 budget used", StatusSummary.of(report(false, null,
                usage(QuotaDimension.OPENAI_TOKENS, "620000", "1000000"),
                usage(QuotaDimension.ELEVENLABS_CHARACTERS, "0", null),
                usage(QuotaDimension.SMARTFLO_MINUTES, "0", null),
                usage(QuotaDimension.TOTAL_COST_USD, "18.6", "200"))));
    }

    @Test
    void shouldSayWhatAnUnlimitedDimensionUsedAndLeaveOutWhatWasNotUsed() {
        assertEquals("80.5% of token limit used, 1,204 characters used (no limit), 33.33% of call minute limit used,"
                + " $0.0705 spent (no budget)", StatusSummary.of(report(false, null,
                usage(QuotaDimension.OPENAI_TOKENS, "805", "1000"),
                usage(QuotaDimension.ELEVENLABS_CHARACTERS, "1204", null),
                usage(QuotaDimension.SMARTFLO_MINUTES, "90", "4.5"),
                usage(QuotaDimension.TOTAL_COST_USD, "0.0705", null))));
    }

    @Test
    void shouldNeverSayAHundredPercentBeforeTheLimitIsReached() {
        assertEquals("99.99% of token limit used", StatusSummary.of(report(false, null,
                usage(QuotaDimension.OPENAI_TOKENS, "499999", "500000"))));
    }

    @Test
    void shouldSayNothingWasUsedWhenNothingWas() {
        assertEquals("Nothing used in 2026-11 (no limits)", StatusSummary.of(report(false, null,
                usage(QuotaDimension.OPENAI_TOKENS, "0", null),
                usage(QuotaDimension.TOTAL_COST_USD, "0", null))));
    }

    @Test
    void shouldSayWhenCallsAreBlockedOrRateLimited() {
        assertEquals("105% of token limit used, 5 characters used (limit 0); calls are blocked until a limit is raised"
                + " or the month ends; calls are rate limited until 10:05 UTC", StatusSummary.of(report(true,
                Instant.parse("2026-11-27T10:05:00Z"),
                usage(QuotaDimension.OPENAI_TOKENS, "1050", "1000"),
                usage(QuotaDimension.ELEVENLABS_CHARACTERS, "5", "0"))));
    }

    @Test
    void shouldShowWholeDollarsWithoutCents() {
        assertEquals("$200", StatusSummary.money(new BigDecimal("200.000000000000")));
        assertEquals("$18.60", StatusSummary.money(new BigDecimal("18.6")));
        assertEquals("$1,234.5679", StatusSummary.money(new BigDecimal("1234.56789")));
        assertEquals("$0", StatusSummary.money(BigDecimal.ZERO));
    }
}
