package io.apimeter.quota.service;

import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.query.NativeQuery;

/**
 * The alerts fired, as the database keeps them. Each {@code record...} is an {@code insert ... on conflict do
 * nothing} against a unique index: whichever transaction inserts first fires the alert, every other one
 * (a redelivery, another replica, a concurrent quota change) inserts nothing and fires nothing. Only a
 * caller whose insert returned true writes the alert to the outbox.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class AlertLedger {
    private final EntityManager em;

    public AlertLedger(EntityManager em) {
        this.em = em;
    }

    /** Records a WARNING or EXCEEDED of a customer's monthly dimension; false when it is in force already. */
    public boolean recordQuotaAlert(String customerId, String month, QuotaDimension dimension, AlertType type,
                                    UUID eventId, UUID causeEventId, Instant firedAt) {
        return insert("insert into quota_alert (customer_id, month, dimension, alert_type, fired_at, event_id,"
                        + " cause_event_id) values (:customer, :month, :dimension, :type, :at, :event, :cause)"
                        + " on conflict (customer_id, month, dimension, alert_type) where rearmed_at is null do nothing",
                causeEventId)
                .setParameter("customer", customerId)
                .setParameter("month", month)
                .setParameter("dimension", dimension.name())
                .setParameter("type", type.name())
                .setParameter("at", firedAt)
                .setParameter("event", eventId)
                .executeUpdate() == 1;
    }

    /** Lets a threshold of a customer's month fire again; the alert it fired stays as history. */
    public boolean rearmQuotaAlert(String customerId, String month, QuotaDimension dimension, AlertType type,
                                   Instant at) {
        return em.createNativeQuery("update quota_alert set rearmed_at = :at where customer_id = :customer"
                        + " and month = :month and dimension = :dimension and alert_type = :type and rearmed_at is null")
                .setParameter("at", at)
                .setParameter("customer", customerId)
                .setParameter("month", month)
                .setParameter("dimension", dimension.name())
                .setParameter("type", type.name())
                .executeUpdate() > 0;
    }

    /** Records a platform budget crossing; {@code level} WARNING or EXCEEDED. False when in force already. */
    public boolean recordPlatformAlert(String month, AlertType level, int thresholdPercent, UUID eventId,
                                       UUID causeEventId, Instant firedAt) {
        return insert("insert into platform_alert (month, level, threshold_percent, fired_at, event_id,"
                        + " cause_event_id) values (:month, :level, :threshold, :at, :event, :cause)"
                        + " on conflict (month, level) where rearmed_at is null do nothing", causeEventId)
                .setParameter("month", month)
                .setParameter("level", level.name())
                .setParameter("threshold", thresholdPercent)
                .setParameter("at", firedAt)
                .setParameter("event", eventId)
                .executeUpdate() == 1;
    }

    public boolean rearmPlatformAlert(String month, AlertType level, Instant at) {
        return em.createNativeQuery("update platform_alert set rearmed_at = :at where month = :month"
                        + " and level = :level and rearmed_at is null")
                .setParameter("at", at)
                .setParameter("month", month)
                .setParameter("level", level.name())
                .executeUpdate() > 0;
    }

    /** Records a RATE_LIMIT or UNUSUAL_ACTIVITY alert of one window; false when that window has one. */
    public boolean recordActivityAlert(String customerId, AlertType type, Instant windowStart, UUID eventId,
                                       UUID causeEventId, Instant firedAt) {
        return insert("insert into activity_alert (customer_id, alert_type, window_start, fired_at, event_id,"
                        + " cause_event_id) values (:customer, :type, :window, :at, :event, :cause)"
                        + " on conflict do nothing", causeEventId)
                .setParameter("customer", customerId)
                .setParameter("type", type.name())
                .setParameter("window", windowStart)
                .setParameter("at", firedAt)
                .setParameter("event", eventId)
                .executeUpdate() == 1;
    }

    /** An insert with its nullable cause bound as a uuid (a bare null would have no type). */
    @SuppressWarnings("unchecked")
    private NativeQuery<Object> insert(String sql, UUID causeEventId) {
        NativeQuery<Object> query = em.createNativeQuery(sql).unwrap(NativeQuery.class);
        query.setParameter("cause", causeEventId, UUID.class);
        return query;
    }
}
