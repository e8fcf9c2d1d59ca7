package io.apimeter.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.Provider;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decisions and messages of enforcement, at a fixed instant. */
class CallAdmissionTest {
    private static final Instant NOW = Instant.parse("2026-11-30T23:59:00.250Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UsageLedger ledger = new UsageLedger(Duration.ofMinutes(10));
    private final QuotaStatuses statuses = new QuotaStatuses(registry, ledger);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final CallAdmission admission = new CallAdmission(statuses, new RequestRateLimiter(2, clock), ledger, 1,
            clock, registry);

    private static QuotaStatus.Dimension dimension(QuotaDimension which, String used, String limit, String percent,
                                                   String enforcement) {
        return new QuotaStatus.Dimension(which, new BigDecimal(used), limit == null ? null : new BigDecimal(limit),
                percent == null ? null : new BigDecimal(percent), enforcement);
    }

    private void hold(String month, Instant rateLimitedUntil, QuotaStatus.Dimension... dimensions) {
        statuses.apply(new QuotaStatus("acme", month, true, List.of(dimensions), rateLimitedUntil,
                NOW.minusSeconds(5)));
    }

    @Test
    void shouldExplainAUsedUpTokenQuotaAndRetryAtTheNextMonth() {
        hold("2026-11", null, dimension(QuotaDimension.OPENAI_TOKENS, "1000000", "1000000", "100.00", "BLOCK"));
        CallAdmission.Rejection rejection = admission.check("acme", Provider.OPENAI).orElseThrow();
        assertEquals(CallAdmission.Reason.QUOTA_EXCEEDED, rejection.reason());
        assertEquals("Monthly OpenAI token limit of 1,000,000 reached for 2026-11; ask your administrator to raise it.",
                rejection.message());
        assertEquals(60, rejection.retryAfterSeconds(), "59.75 s to December, rounded up");
        assertEquals(Optional.empty(), admission.check("acme", Provider.ELEVENLABS));
        assertEquals(1.0, registry.get("apimeter.gateway.rejected.calls").tag("reason", "quota_exceeded")
                .tag("provider", "OPENAI").counter().count());
    }

    @Test
    void shouldNotBlockBelowTheLimitEvenWhenThePercentIsRoundedToAHundred() {
        hold("2026-11", null, dimension(QuotaDimension.OPENAI_TOKENS, "999999.99", "1000000", "100.00", "BLOCK"));
        assertEquals(Optional.empty(), admission.check("acme", Provider.OPENAI));
    }

    @Test
    void shouldBlockOnThePercentWhenNoQuantitiesAreGiven() {
        statuses.apply(new QuotaStatus("acme", "2026-11", true, List.of(new QuotaStatus.Dimension(
                QuotaDimension.ELEVENLABS_CHARACTERS, null, null, new BigDecimal("100.00"), "BLOCK")), null,
                NOW.minusSeconds(5)));
        CallAdmission.Rejection rejection = admission.check("acme", Provider.ELEVENLABS).orElseThrow();
        assertEquals("Monthly ElevenLabs character limit reached for 2026-11; ask your administrator to raise it.",
                rejection.message());
    }

    @Test
    void shouldNameTheCostLimitInDollars() {
        hold("2026-11", null, dimension(QuotaDimension.TOTAL_COST_USD, "1500.5", "1500", "100.03", "BLOCK"));
        for (Provider provider : Provider.values()) {
            assertEquals("Monthly cost limit of $1,500.00 for all providers reached for 2026-11; ask your"
                    + " administrator to raise it.", admission.check("acme", provider).orElseThrow().message());
        }
    }

    @Test
    void shouldIgnoreAStatusOfAnEarlierMonthForQuotasButNotForTheRateLimit() {
        hold("2026-10", null, dimension(QuotaDimension.OPENAI_TOKENS, "2000000", "1000000", "200.00", "BLOCK"),
                dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "2", null, "BLOCK"));
        // limit 2 on two replicas: one call a minute on this one
        assertEquals(Optional.empty(), admission.check("acme", Provider.OPENAI));
        CallAdmission.Rejection rejection = admission.check("acme", Provider.OPENAI).orElseThrow();
        assertEquals(CallAdmission.Reason.RATE_LIMITED, rejection.reason());
        assertEquals("Rate limit of 2 requests per minute reached; try again in 60 seconds.", rejection.message());
    }

    @Test
    void shouldRefuseUntilTheRateLimitedUntilOfQuotaService() {
        hold("2026-11", NOW.plusMillis(12_100), dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "600", null, "BLOCK"));
        CallAdmission.Rejection rejection = admission.check("acme", Provider.SMARTFLO).orElseThrow();
        assertEquals(CallAdmission.Reason.RATE_LIMITED_PLATFORM, rejection.reason());
        assertEquals(13, rejection.retryAfterSeconds());
        assertTrue(rejection.message().startsWith("Rate limit of 600 requests per minute reached"), rejection.message());

        statuses.apply(new QuotaStatus("acme", "2026-11", false, List.of(), NOW.minusSeconds(1), NOW));
        assertEquals(Optional.empty(), admission.check("acme", Provider.SMARTFLO), "a past rateLimitedUntil is over");
    }

    @Test
    void shouldLetEverythingThroughForAlertOnlyOrUnknownCustomers() {
        hold("2026-11", null, dimension(QuotaDimension.OPENAI_TOKENS, "5000000", "1000000", "500.00", "ALERT_ONLY"),
                dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "1", null, "ALERT_ONLY"));
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), admission.check("acme", Provider.OPENAI));
        }
        assertEquals(Optional.empty(), admission.check("nobody", Provider.OPENAI));
    }
}
