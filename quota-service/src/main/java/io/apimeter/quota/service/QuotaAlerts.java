package io.apimeter.quota.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.quota.entity.MonthlyUsage;
import io.apimeter.quota.entity.Quota;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Fires the WARNING and EXCEEDED alerts a month's usage calls for, each at most once per customer, month,
 * dimension and type while the threshold stays armed ({@link AlertLedger}), and re-arms the thresholds a
 * quota change puts back out of reach.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class QuotaAlerts {
    private static final Logger LOG = Logger.getLogger(QuotaAlerts.class);

    private final AlertLedger ledger;
    private final Outbox outbox;

    public QuotaAlerts(AlertLedger ledger, Outbox outbox) {
        this.ledger = ledger;
        this.outbox = outbox;
    }

    /**
     * @param occurredAt   the time the alerts report: the usage event's occurredAt, or now for a quota change
     * @param causeEventId the usage event that caused the evaluation, null for a quota change
     * @return the alerts emitted, in order
     */
    public List<AlertEvent> evaluate(Quota quota, MonthlyUsage usage, Instant occurredAt, UUID causeEventId) {
        List<AlertEvent> emitted = new ArrayList<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (DimensionUsage dimension : MonthlyStanding.of(usage, quota)) {
            for (AlertType type : dimension.due(quota.warnAtPercent)) {
                AlertEvent alert = new AlertEvent(UUID.randomUUID(), type, quota.customerId, dimension.dimension(),
                        usage.month, type == AlertType.WARNING ? quota.warnAtPercent : 100, dimension.used(),
                        dimension.limit(), AlertMessages.describe(quota.customerId, type, dimension), occurredAt,
                        causeEventId);
                if (!ledger.recordQuotaAlert(quota.customerId, usage.month, dimension.dimension(), type,
                        alert.eventId(), causeEventId, now)) {
                    continue;
                }
                outbox.add(alert);
                emitted.add(alert);
                LOG.infof("%s alert for %s, %s, %s: %s", type, quota.customerId, usage.month, dimension.dimension(),
                        alert.message());
            }
        }
        return emitted;
    }

    /**
     * Re-arms every threshold the month's usage is now below (a raised limit, a higher warning percent, a
     * limit removed), so that it fires again if usage reaches it later in the month.
     */
    public void rearm(Quota quota, MonthlyUsage usage, Instant at) {
        for (DimensionUsage dimension : MonthlyStanding.of(usage, quota)) {
            if (!dimension.reached(quota.warnAtPercent)
                    && ledger.rearmQuotaAlert(quota.customerId, usage.month, dimension.dimension(), AlertType.WARNING, at)) {
                LOG.infof("WARNING of %s, %s, %s re-armed by a quota change", quota.customerId, usage.month,
                        dimension.dimension());
            }
            if (!dimension.reached(100)
                    && ledger.rearmQuotaAlert(quota.customerId, usage.month, dimension.dimension(), AlertType.EXCEEDED, at)) {
                LOG.infof("EXCEEDED of %s, %s, %s re-armed by a quota change", quota.customerId, usage.month,
                        dimension.dimension());
            }
        }
    }
}
