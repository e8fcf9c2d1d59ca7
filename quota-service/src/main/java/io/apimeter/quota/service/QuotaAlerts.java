package io.apimeter.quota.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.quota.entity.MonthlyUsage;
import io.apimeter.quota.entity.Quota;
import io.apimeter.quota.entity.QuotaAlert;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Fires the WARNING and EXCEEDED alerts a month's usage calls for, each at most once per customer, month,
 * dimension and type. The caller holds the lock on the month's counters, so two transactions never decide
 * the same alert at once.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class QuotaAlerts {
    private static final Logger LOG = Logger.getLogger(QuotaAlerts.class);

    private final EntityManager em;
    private final Outbox outbox;

    public QuotaAlerts(EntityManager em, Outbox outbox) {
        this.em = em;
        this.outbox = outbox;
    }

    /**
     * @param occurredAt   the time the alerts report: the usage event's occurredAt, or now for a quota change
     * @param causeEventId the usage event that caused the evaluation, null for a quota change
     * @return the alerts emitted, in order
     */
    public List<AlertEvent> evaluate(Quota quota, MonthlyUsage usage, Instant occurredAt, UUID causeEventId) {
        List<AlertEvent> emitted = new ArrayList<>();
        for (DimensionUsage dimension : MonthlyStanding.of(usage, quota)) {
            for (AlertType type : dimension.due(quota.warnAtPercent)) {
                QuotaAlert.Key key = new QuotaAlert.Key();
                key.customerId = quota.customerId;
                key.month = usage.month;
                key.dimension = dimension.dimension().name();
                key.alertType = type.name();
                if (em.find(QuotaAlert.class, key) != null) {
                    continue;
                }
                AlertEvent alert = new AlertEvent(UUID.randomUUID(), type, quota.customerId, dimension.dimension(),
                        usage.month, type == AlertType.WARNING ? quota.warnAtPercent : 100, dimension.used(),
                        dimension.limit(), AlertMessages.describe(quota.customerId, type, dimension), occurredAt,
                        causeEventId);
                QuotaAlert fired = new QuotaAlert();
                fired.customerId = key.customerId;
                fired.month = key.month;
                fired.dimension = key.dimension;
                fired.alertType = key.alertType;
                fired.firedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                fired.eventId = alert.eventId();
                fired.causeEventId = causeEventId;
                em.persist(fired);
                outbox.add(alert);
                emitted.add(alert);
                LOG.infof("%s alert for %s, %s, %s: %s", type, quota.customerId, usage.month, dimension.dimension(),
                        alert.message());
            }
        }
        return emitted;
    }
}
