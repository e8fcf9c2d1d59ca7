package io.apimeter.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A BLOCK limit holds between quota statuses: calls reserve their worst case, metered calls count until confirmed. */
class UsageLedgerTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Supplier<BigDecimal[]> THOUSAND_TOKENS = () -> new BigDecimal[] {
        BigDecimal.valueOf(1000), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final UsageLedger ledger = new UsageLedger(Duration.ofMinutes(10));
    private final QuotaStatuses statuses = new QuotaStatuses(registry, ledger);
    private long updates;

    private CallAdmission admission(int replicas) {
        return new CallAdmission(statuses, new RequestRateLimiter(replicas, clock), ledger, replicas, clock, registry);
    }

    private void status(String used, String enforcement, UUID lastEventId) {
        statuses.apply(new QuotaStatus("acme", "2026-12", false, List.of(new QuotaStatus.Dimension(
                QuotaDimension.OPENAI_TOKENS, new BigDecimal(used), BigDecimal.valueOf(100_000), null, enforcement)),
                null, NOW.plusNanos(++updates * 1000), lastEventId));
    }

    private static UsageEvent tokens(long tokens) {
        return new UsageEvent(UUID.randomUUID(), "acme", "key", Provider.OPENAI, "chat.completions", "gpt-4o",
                "gpt-4o", NOW, 5, 200, Outcome.SUCCESS, Usage.tokens(tokens / 2, tokens - tokens / 2),
                new Cost(BigDecimal.ZERO, Cost.USD, null, null, false));
    }

    /** Admits calls of 1,000 tokens until refused; each admitted call is metered at {@code used} tokens. */
    private List<UsageEvent> admitUntilRefused(CallAdmission admission, long used) {
        List<UsageEvent> metered = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            CallAdmission.Decision decision = admission.admit("acme", Provider.OPENAI, THOUSAND_TOKENS);
            if (decision.rejection() != null) {
                assertEquals(CallAdmission.Reason.QUOTA_EXCEEDED, decision.rejection().reason());
                return metered;
            }
            UsageEvent event = tokens(used);
            decision.reservation().settle(event, () -> { });
            metered.add(event);
        }
        throw new AssertionError("never refused");
    }

    @Test
    void shouldRefuseOnceWhatThisReplicaLetThroughReachesTheLimitWithoutWaitingForAStatus() {
        status("0", "BLOCK", null);
        List<UsageEvent> through = admitUntilRefused(admission(1), 1000);
        assertEquals(100, through.size(), "100 calls of 1,000 tokens fit a 100,000-token limit, the 101st does not");
    }

    @Test
    void shouldCountCallsUnderWayAtTheirWorstCase() {
        status("0", "BLOCK", null);
        CallAdmission admission = admission(1);
        List<CallAdmission.Decision> underWay = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            underWay.add(admission.admit("acme", Provider.OPENAI, THOUSAND_TOKENS));
            assertNull(underWay.get(i).rejection());
        }
        assertNotNull(admission.admit("acme", Provider.OPENAI, THOUSAND_TOKENS).rejection(),
                "100 calls under way hold the whole limit");
        underWay.get(0).reservation().release();
        assertNull(admission.admit("acme", Provider.OPENAI, THOUSAND_TOKENS).rejection(),
                "a call that was not made gives its reservation back");
    }

    @Test
    void shouldStopCountingItsOwnEventsOnceAStatusNamesThemAsCounted() {
        status("0", "BLOCK", null);
        CallAdmission admission = admission(1);
        List<UsageEvent> first = admitUntilRefused(admission, 400);
        assertEquals(248, first.size(), "metered at 400 each, admitted while their sum and a 1,000-token worst case"
                + " fit: 247 x 400 + 1,000 <= 100,000");
        // quota-service counted the first 100 of them (40,000 tokens): 148 remain this replica's own to count.
        status("40000", "BLOCK", first.get(99).eventId());
        assertEquals(new BigDecimal("59200"), ledger.outstanding("acme")[0]);
        assertNotNull(admission.admit("acme", Provider.OPENAI, THOUSAND_TOKENS).rejection());
        // A status naming an event this replica never metered confirms nothing.
        status("40000", "BLOCK", UUID.randomUUID());
        assertEquals(new BigDecimal("59200"), ledger.outstanding("acme")[0]);
        status("99200", "BLOCK", first.get(247).eventId());
        assertEquals(BigDecimal.ZERO, ledger.outstanding("acme")[0].stripTrailingZeros());
        assertNotNull(admission.admit("acme", Provider.OPENAI, THOUSAND_TOKENS).rejection(),
                "all counted by quota-service: the 800 tokens left do not cover a 1,000-token worst case");
    }

    @Test
    void shouldSpendOnlyItsShareOfTheHeadroomWithSeveralReplicas() {
        status("20000", "BLOCK", null);
        List<UsageEvent> through = admitUntilRefused(admission(2), 1000);
        assertEquals(40, through.size(), "80,000 tokens left, half of them this replica's");
    }

    @Test
    void shouldNeverRefuseUnderAlertOnly() {
        status("0", "ALERT_ONLY", null);
        CallAdmission admission = admission(1);
        for (int i = 0; i < 300; i++) {
            CallAdmission.Decision decision = admission.admit("acme", Provider.OPENAI, THOUSAND_TOKENS);
            assertNull(decision.rejection());
            assertNull(decision.reservation(), "nothing to reserve against");
        }
    }
}
