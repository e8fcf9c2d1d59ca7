package io.apimeter.quota.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.quota.entity.MonthlyUsage;
import io.apimeter.quota.entity.Quota;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaStatusesTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:04:31Z");

    private static Quota quota(Long tokens, Integer perMinute, Enforcement enforcement) {
        Quota quota = new Quota();
        quota.customerId = "acme";
        quota.openaiTokens = tokens;
        quota.requestsPerMinute = perMinute;
        quota.warnAtPercent = 80;
        quota.enforcement = enforcement.name();
        return quota;
    }

    private static MonthlyUsage tokens(long tokens) {
        MonthlyUsage usage = new MonthlyUsage();
        usage.customerId = "acme";
        usage.month = "2026-11";
        usage.openaiTokens = tokens;
        usage.costUsd = BigDecimal.ZERO;
        return usage;
    }

    @Test
    void shouldBlockOnlyUnderBlockEnforcementOnceALimitIsReached() {
        QuotaStatus blocked = QuotaStatuses.of(quota(1000L, null, Enforcement.BLOCK), tokens(1000), 0, NOW);
        assertTrue(blocked.blocked());
        assertEquals("2026-11", blocked.month());
        assertEquals(NOW, blocked.updatedAt());
        assertEquals(List.of(new QuotaStatus.Dimension(QuotaDimension.OPENAI_TOKENS, new BigDecimal("1000"),
                new BigDecimal("1000"), new BigDecimal("100.00"), "BLOCK")), blocked.dimensions());

        assertFalse(QuotaStatuses.of(quota(1000L, null, Enforcement.ALERT_ONLY), tokens(1000), 0, NOW).blocked());
        assertFalse(QuotaStatuses.of(quota(1000L, null, Enforcement.BLOCK), tokens(999), 0, NOW).blocked());
        assertFalse(QuotaStatuses.of(quota(null, null, Enforcement.BLOCK), tokens(5000), 0, NOW).blocked());
        assertTrue(QuotaStatuses.of(quota(null, null, Enforcement.BLOCK), tokens(5000), 0, NOW).dimensions().isEmpty());
    }

    @Test
    void shouldRoundThePercentDownSoThatAHundredMeansReached() {
        QuotaStatus status = QuotaStatuses.of(quota(100_000L, null, Enforcement.BLOCK), tokens(99_999), 0, NOW);
        assertEquals(new BigDecimal("99.99"), status.dimensions().get(0).percent());
        assertFalse(status.blocked());
        QuotaStatus oneShort = QuotaStatuses.of(quota(500_000L, null, Enforcement.BLOCK), tokens(499_999), 0, NOW);
        assertEquals("99.99", oneShort.dimensions().get(0).percent().toPlainString());
        assertFalse(oneShort.blocked());
    }

    @Test
    void shouldBlockAtALimitOfZeroEvenWithNothingUsedAsTheGatewayDoes() {
        for (MonthlyUsage usage : new MonthlyUsage[] {null, tokens(0), tokens(1)}) {
            QuotaStatus zero = QuotaStatuses.of(quota(0L, null, Enforcement.BLOCK), usage, 0, NOW);
            assertTrue(zero.blocked());
            QuotaStatus.Dimension tokens = zero.dimensions().get(0);
            assertEquals("100.00", tokens.percent().toPlainString());
            // the gateway's rule: used >= limit under BLOCK
            assertTrue(tokens.used().compareTo(tokens.limit()) >= 0);
        }
        assertFalse(QuotaStatuses.of(quota(0L, null, Enforcement.ALERT_ONLY), null, 0, NOW).blocked());
    }

    @Test
    void shouldRateLimitUntilTheEndOfTheMinuteOnlyUnderBlockAndAboveTheLimit() {
        QuotaStatus over = QuotaStatuses.of(quota(null, 10, Enforcement.BLOCK), null, 11, NOW);
        assertEquals(Instant.parse("2026-11-27T10:05:00Z"), over.rateLimitedUntil());
        assertFalse(over.blocked());
        assertEquals(new QuotaStatus.Dimension(QuotaDimension.REQUESTS_PER_MINUTE, new BigDecimal("11"),
                new BigDecimal("10"), new BigDecimal("110.00"), "BLOCK"), over.dimensions().get(0));
        assertNull(QuotaStatuses.of(quota(null, 10, Enforcement.BLOCK), null, 10, NOW).rateLimitedUntil());
        assertNull(QuotaStatuses.of(quota(null, 10, Enforcement.ALERT_ONLY), null, 11, NOW).rateLimitedUntil());
    }

    @Test
    void shouldChangeTheFingerprintOnlyWithWhatTheGatewayDecidesOn() {
        Quota block = quota(1000L, 10, Enforcement.BLOCK);
        String below = QuotaStatuses.fingerprint(QuotaStatuses.of(block, tokens(100), 1, NOW));
        assertEquals(below, QuotaStatuses.fingerprint(QuotaStatuses.of(block, tokens(900), 5, NOW.plusSeconds(1))));
        assertNotEquals(below, QuotaStatuses.fingerprint(QuotaStatuses.of(block, tokens(1000), 5, NOW)));
        assertNotEquals(below, QuotaStatuses.fingerprint(QuotaStatuses.of(block, tokens(100), 11, NOW)));
        assertNotEquals(below, QuotaStatuses.fingerprint(QuotaStatuses.of(block, null, 0,
                Instant.parse("2026-12-01T00:00:00Z"))));
        Quota alertOnly = quota(1000L, 10, Enforcement.ALERT_ONLY);
        assertEquals(QuotaStatuses.fingerprint(QuotaStatuses.of(alertOnly, tokens(100), 1, NOW)),
                QuotaStatuses.fingerprint(QuotaStatuses.of(alertOnly, tokens(5000), 50, NOW)));
    }
}
