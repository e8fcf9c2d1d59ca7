package io.apimeter.quota.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.quota.config.QuotaConfig;
import io.apimeter.quota.entity.CustomerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * UNUSUAL_ACTIVITY, evaluated on each call of a customer (the caller holds the customer's lock). The last
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

    /** Checks the customer's last hour after a call in {@code minute}; returns the alert fired, or null. */
    public AlertEvent check(CustomerState state, Instant minute, Instant occurredAt, UUID causeEventId) {
        if (!config.enabled() || state.firstSeenAt == null) {
            return null;
        }
        if (state.lastUnusualAt != null
                && Duration.between(state.lastUnusualAt, occurredAt).abs().compareTo(config.cooldown()) < 0) {
            return null;
        }
        Instant windowEnd = minute.plus(1, ChronoUnit.MINUTES);
        Instant windowStart = windowEnd.minus(WINDOW);
        Instant baselineEnd = windowStart.truncatedTo(ChronoUnit.HOURS);
        long historyHours = Duration.between(state.firstSeenAt.truncatedTo(ChronoUnit.HOURS), baselineEnd).toHours();
        if (historyHours < Math.max(1, config.minHistoryHours())) {
            return null;
        }
        ActivityCounters.Totals lastHour = counters.minutes(state.customerId, windowStart, windowEnd);
        if (lastHour.requests() < config.minRequests() && lastHour.costUsd().compareTo(config.minCostUsd()) < 0) {
            return null;
        }
        long fullHours = config.baselineDays() * 24L;
        long baselineHours = Math.min(historyHours, fullHours);
        ActivityCounters.Totals baseline = counters.hours(state.customerId,
                baselineEnd.minus(baselineHours, ChronoUnit.HOURS), baselineEnd);
        Optional<UnusualActivityRule.Finding> finding = rule.evaluate(state.customerId, lastHour, baseline,
                baselineHours, config.baselineDays());
        if (finding.isEmpty()) {
            return null;
        }
        AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.UNUSUAL_ACTIVITY, state.customerId,
                finding.get().dimension(), Months.of(occurredAt).toString(), null, finding.get().used(), null,
                finding.get().message(), occurredAt, causeEventId);
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
