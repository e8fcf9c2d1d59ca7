package io.apimeter.quota.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.quota.config.QuotaConfig;
import io.apimeter.quota.entity.CustomerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * UNUSUAL_ACTIVITY, evaluated on each batch of a customer's calls (the caller holds the customer's lock). The last
 * hour is the 60 UTC minutes ending with the call's minute (minute counts); the baseline is the whole hours
 * before the hour in which that window starts, over {@code baseline-days} days but never before the
 * customer's first call (hourly counts). Cheap checks come first: cooldown, history, the last hour's minimum.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class UnusualActivity {
    private static final Logger LOG = Logger.getLogger(UnusualActivity.class);
    private static final Duration WINDOW = Duration.ofHours(1);

    private final ActivityCounters counters;
    private final AlertLedger ledger;
    private final Outbox outbox;
    private final QuotaConfig.Unusual config;
    private final UnusualActivityRule rule;

    public UnusualActivity(ActivityCounters counters, AlertLedger ledger, Outbox outbox, QuotaConfig config) {
        this.counters = counters;
        this.ledger = ledger;
        this.outbox = outbox;
        this.config = config.unusual();
        this.rule = new UnusualActivityRule(this.config.factor(), this.config.minRequests(), this.config.minCostUsd());
    }

    /**
     * Checks a batch of one customer's calls, whose minute counts already hold the whole batch, and fires for the
     * first call after which the last hour was unusual. The last call is checked first: when the customer's
     * last hour is normal even with the whole batch, nothing earlier is looked at.
     */
    public AlertEvent checkAll(CustomerState state, List<UsageEvent> events) {
        UsageEvent last = events.get(events.size() - 1);
        if (find(state, minute(last), last.occurredAt(), BigDecimal.ZERO, 0).isEmpty()) {
            return null;
        }
        for (int i = 0; i < events.size(); i++) {
            UsageEvent event = events.get(i);
            Instant minute = minute(event);
            // the calls after this one in the batch are counted in the minutes already: leave them out
            long laterRequests = 0;
            BigDecimal laterCost = BigDecimal.ZERO;
            for (int j = i + 1; j < events.size(); j++) {
                Instant later = minute(events.get(j));
                if (!later.isAfter(minute) && later.isAfter(minute.minus(WINDOW))) {
                    laterRequests += events.get(j).countsAsCall() ? 1 : 0;
                    laterCost = laterCost.add(events.get(j).cost().amountOrZero());
                }
            }
            Optional<UnusualActivityRule.Finding> finding = find(state, minute, event.occurredAt(), laterCost,
                    laterRequests);
            if (finding.isPresent()) {
                return fire(state, minute, event.occurredAt(), event.eventId(), finding.get());
            }
        }
        return null;
    }

    private static Instant minute(UsageEvent event) {
        return event.occurredAt().truncatedTo(ChronoUnit.MINUTES);
    }

    /**
     * What the rule finds after a call in {@code minute}, the minute counts less {@code laterRequests} and
     * {@code laterCost} (calls counted already that came after it).
     */
    private Optional<UnusualActivityRule.Finding> find(CustomerState state, Instant minute, Instant occurredAt,
                                                       BigDecimal laterCost, long laterRequests) {
        if (!config.enabled() || state.firstSeenAt == null) {
            return Optional.empty();
        }
        if (state.lastUnusualAt != null
                && Duration.between(state.lastUnusualAt, occurredAt).abs().compareTo(config.cooldown()) < 0) {
            return Optional.empty();
        }
        Instant windowEnd = minute.plus(1, ChronoUnit.MINUTES);
        Instant windowStart = windowEnd.minus(WINDOW);
        Instant baselineEnd = windowStart.truncatedTo(ChronoUnit.HOURS);
        long historyHours = Duration.between(state.firstSeenAt.truncatedTo(ChronoUnit.HOURS), baselineEnd).toHours();
        if (historyHours < Math.max(1, config.minHistoryHours())) {
            return Optional.empty();
        }
        ActivityCounters.Totals counted = counters.minutes(state.customerId, windowStart, windowEnd);
        ActivityCounters.Totals lastHour = new ActivityCounters.Totals(counted.requests() - laterRequests,
                counted.costUsd().subtract(laterCost));
        if (lastHour.requests() < config.minRequests() && lastHour.costUsd().compareTo(config.minCostUsd()) < 0) {
            return Optional.empty();
        }
        long fullHours = config.baselineDays() * 24L;
        long baselineHours = Math.min(historyHours, fullHours);
        ActivityCounters.Totals baseline = counters.hours(state.customerId,
                baselineEnd.minus(baselineHours, ChronoUnit.HOURS), baselineEnd);
        return rule.evaluate(state.customerId, lastHour, baseline, baselineHours, config.baselineDays());
    }

    private AlertEvent fire(CustomerState state, Instant minute, Instant occurredAt, UUID causeEventId,
                            UnusualActivityRule.Finding finding) {
        AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.UNUSUAL_ACTIVITY, state.customerId,
                finding.dimension(), Months.of(occurredAt).toString(), null, finding.used(), null,
                finding.message(), occurredAt, causeEventId);
        if (!ledger.recordActivityAlert(state.customerId, AlertType.UNUSUAL_ACTIVITY, minute, alert.eventId(),
                causeEventId, Instant.now().truncatedTo(ChronoUnit.MICROS))) {
            return null;
        }
        state.lastUnusualAt = occurredAt;
        state.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        outbox.add(alert);
        LOG.infof("UNUSUAL_ACTIVITY alert for %s: %s", state.customerId, alert.message());
        return alert;
    }
}
