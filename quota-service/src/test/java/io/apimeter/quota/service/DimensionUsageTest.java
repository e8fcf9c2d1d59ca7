package io.apimeter.quota.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class DimensionUsageTest {

    private static DimensionUsage tokens(long used, Long limit) {
        return new DimensionUsage(QuotaDimension.OPENAI_TOKENS, BigDecimal.valueOf(used),
                limit == null ? null : BigDecimal.valueOf(limit));
    }

    @Test
    void shouldCallForNothingBelowTheWarningPercent() {
        assertEquals(List.of(), tokens(799, 1000L).due(80));
    }

    @Test
    void shouldWarnExactlyAtTheWarningPercent() {
        assertEquals(List.of(AlertType.WARNING), tokens(800, 1000L).due(80));
        assertEquals(List.of(AlertType.WARNING), tokens(999, 1000L).due(80));
    }

    @Test
    void shouldCallForWarningThenExceededAtOrAboveTheLimit() {
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens(1000, 1000L).due(80));
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens(5000, 1000L).due(99));
    }

    @Test
    void shouldHonourACustomWarningPercent() {
        assertEquals(List.of(AlertType.WARNING), tokens(500, 1000L).due(50));
        assertEquals(List.of(), tokens(500, 1000L).due(51));
    }

    @Test
    void shouldNeverAlertWhenUnlimited() {
        DimensionUsage unlimited = tokens(1_000_000, null);
        assertEquals(List.of(), unlimited.due(80));
        assertNull(unlimited.percent());
        assertFalse(unlimited.exceeded());
    }

    @Test
    void shouldTreatAZeroLimitAsReachedFromTheStartAsTheGatewayDoes() {
        for (long used : new long[] {0, 1}) {
            DimensionUsage zero = tokens(used, 0L);
            assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), zero.due(80));
            assertTrue(zero.exceeded());
            assertEquals(DimensionUsage.State.EXCEEDED, zero.state(80));
            assertEquals("100.00", zero.percent().toPlainString());
        }
    }

    @Test
    void shouldReachNoThresholdOfALimitAboveZeroWithNothingUsed() {
        assertEquals(List.of(), tokens(0, 1L).due(1));
        assertEquals("0.00", tokens(0, 1L).percent().toPlainString());
    }

    @Test
    void shouldCompareSmartfloMinutesAsPublishedToSixDecimals() {
        DimensionUsage fortyEightSeconds = new DimensionUsage(QuotaDimension.SMARTFLO_MINUTES, BigDecimal.valueOf(48),
                BigDecimal.ONE);
        assertEquals(List.of(AlertType.WARNING), fortyEightSeconds.due(80));
        assertEquals(new BigDecimal("0.8"), fortyEightSeconds.used());
        DimensionUsage fortySevenSeconds = new DimensionUsage(QuotaDimension.SMARTFLO_MINUTES, BigDecimal.valueOf(47),
                BigDecimal.ONE);
        assertEquals(List.of(), fortySevenSeconds.due(80));
        assertEquals(new BigDecimal("78.33"), fortySevenSeconds.percent());
        assertEquals(new BigDecimal("0.783333"), fortySevenSeconds.used());
        // One second is published as 0.016667 minutes; the gateway blocks at used >= limit on what is published,
        // so a limit of 0.016667 minutes is reached here too.
        DimensionUsage oneSecond = new DimensionUsage(QuotaDimension.SMARTFLO_MINUTES, BigDecimal.ONE,
                new BigDecimal("0.016667"));
        assertTrue(oneSecond.exceeded());
        assertEquals(new BigDecimal("100.00"), oneSecond.percent());
    }

    @Test
    void shouldRoundPercentDownToTwoDecimals() {
        assertEquals(new BigDecimal("66.66"), tokens(2, 3L).percent());
        assertEquals(new BigDecimal("80.50"), tokens(805_000, 1_000_000L).percent());
        assertEquals(new BigDecimal("0.00"), tokens(5, 100_000L).percent());
        assertEquals(new BigDecimal("100.00"), tokens(500_000, 500_000L).percent());
        assertEquals(new BigDecimal("120.00"), tokens(600_000, 500_000L).percent());
    }

    @Test
    void shouldShowNinetyNinePointNineNineAndNotExceededOneShortOfTheLimit() {
        DimensionUsage oneShort = tokens(499_999, 500_000L);
        assertEquals("99.99", oneShort.percent().toPlainString());
        assertFalse(oneShort.exceeded());
        assertEquals(DimensionUsage.State.WARNING, oneShort.state(80));
        assertEquals(List.of(AlertType.WARNING), oneShort.due(80));
    }

    @Test
    void shouldNotWarnOneShortOfTheWarningPercent() {
        DimensionUsage almost = tokens(79_999, 100_000L);
        assertEquals(new BigDecimal("79.99"), almost.percent());
        assertEquals(List.of(), almost.due(80));
    }

    @Test
    void shouldDescribeAnAlertInOneReadableSentence() {
        assertEquals("acme has used 80.5% of its monthly OpenAI token limit (805,000 of 1,000,000 tokens)",
                AlertMessages.describe("acme", AlertType.WARNING, tokens(805_000, 1_000_000L)));
        assertEquals("acme has exceeded its monthly ElevenLabs character limit: 120% used (1,200 of 1,000 characters)",
                AlertMessages.describe("acme", AlertType.EXCEEDED, new DimensionUsage(
                        QuotaDimension.ELEVENLABS_CHARACTERS, BigDecimal.valueOf(1200), BigDecimal.valueOf(1000))));
        assertEquals("acme has used 90.05% of its monthly cost limit ($90.057 of $100.00)",
                AlertMessages.describe("acme", AlertType.WARNING, new DimensionUsage(QuotaDimension.TOTAL_COST_USD,
                        new BigDecimal("90.057"), new BigDecimal("100"))));
        assertEquals("acme has exceeded its monthly Smartflo minute limit (0.5 of 0 minutes)",
                AlertMessages.describe("acme", AlertType.EXCEEDED, new DimensionUsage(QuotaDimension.SMARTFLO_MINUTES,
                        BigDecimal.valueOf(30), BigDecimal.ZERO)));
    }

    @Test
    void shouldStateOkWarningOrExceeded() {
        assertEquals(DimensionUsage.State.OK, tokens(799, 1000L).state(80));
        assertEquals(DimensionUsage.State.WARNING, tokens(800, 1000L).state(80));
        assertEquals(DimensionUsage.State.EXCEEDED, tokens(1000, 1000L).state(80));
        assertEquals(DimensionUsage.State.OK, tokens(5000, null).state(80));
    }

    @Test
    void shouldCountRequestsPerMinuteAsExceededOnlyAboveTheLimit() {
        DimensionUsage atLimit = new DimensionUsage(QuotaDimension.REQUESTS_PER_MINUTE, BigDecimal.valueOf(60),
                BigDecimal.valueOf(60));
        assertFalse(atLimit.exceeded());
        assertEquals(DimensionUsage.State.WARNING, atLimit.state(80));
        assertTrue(new DimensionUsage(QuotaDimension.REQUESTS_PER_MINUTE, BigDecimal.valueOf(61),
                BigDecimal.valueOf(60)).exceeded());
        assertEquals("requests/minute", atLimit.unit());
    }
}
