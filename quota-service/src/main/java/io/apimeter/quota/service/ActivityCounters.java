package io.apimeter.quota.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Requests and cost per customer and UTC minute (requests per minute, the last hour) and per UTC hour (the
 * baseline of unusual activity), by the occurredAt of the calls. Every change is one atomic
 * {@code insert ... on conflict do update} that adds to the row under its lock.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class ActivityCounters {
    private final EntityManager em;

    public ActivityCounters(EntityManager em) {
        this.em = em;
    }

    /**
     * One call's minute after counting it.
     *
     * @param start     the first instant of the UTC minute
     * @param requests  requests counted in that minute, this one included
     * @param overLimit whether the minute was marked over the requests-per-minute limit before this call
     */
    public record Minute(Instant start, long requests, boolean overLimit) {
    }

    /** Sums of requests and cost over a span of minutes or hours. */
    public record Totals(long requests, BigDecimal costUsd) {
    }

    /** Counts one call in its minute and its hour. */
    public Minute count(String customerId, Instant occurredAt, BigDecimal cost) {
        Instant minute = occurredAt.truncatedTo(ChronoUnit.MINUTES);
        Object[] row = (Object[]) em.createNativeQuery("insert into minute_activity (customer_id, minute, requests,"
                        + " cost_usd) values (:customer, :minute, 1, :cost) on conflict (customer_id, minute) do update"
                        + " set requests = minute_activity.requests + 1,"
                        + " cost_usd = minute_activity.cost_usd + excluded.cost_usd"
                        + " returning requests, over_limit")
                .setParameter("customer", customerId)
                .setParameter("minute", minute)
                .setParameter("cost", cost)
                .getSingleResult();
        em.createNativeQuery("insert into hourly_activity (customer_id, hour, requests, cost_usd)"
                        + " values (:customer, :hour, 1, :cost) on conflict (customer_id, hour) do update"
                        + " set requests = hourly_activity.requests + 1,"
                        + " cost_usd = hourly_activity.cost_usd + excluded.cost_usd")
                .setParameter("customer", customerId)
                .setParameter("hour", occurredAt.truncatedTo(ChronoUnit.HOURS))
                .setParameter("cost", cost)
                .executeUpdate();
        return new Minute(minute, ((Number) row[0]).longValue(), (Boolean) row[1]);
    }

    /** Marks a minute as over the limit; false when it was marked already. */
    public boolean markOverLimit(String customerId, Instant minute) {
        return em.createNativeQuery("update minute_activity set over_limit = true"
                        + " where customer_id = :customer and minute = :minute and not over_limit")
                .setParameter("customer", customerId)
                .setParameter("minute", minute)
                .executeUpdate() == 1;
    }

    /**
     * Whether the minute before or the minute after was over the limit: then this minute belongs to the same
     * burst (the one after counts too, for a call whose event arrived late).
     */
    public boolean neighbourOverLimit(String customerId, Instant minute) {
        Number count = (Number) em.createNativeQuery("select count(*) from minute_activity where customer_id = :customer"
                        + " and minute in (:before, :after) and over_limit")
                .setParameter("customer", customerId)
                .setParameter("before", minute.minus(1, ChronoUnit.MINUTES))
                .setParameter("after", minute.plus(1, ChronoUnit.MINUTES))
                .getSingleResult();
        return count.longValue() > 0;
    }

    /** Requests counted in one minute (0 when none); also for reads outside a transaction. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public long requestsIn(String customerId, Instant minute) {
        @SuppressWarnings("unchecked")
        List<Number> rows = em.createNativeQuery("select requests from minute_activity"
                        + " where customer_id = :customer and minute = :minute")
                .setParameter("customer", customerId)
                .setParameter("minute", minute.truncatedTo(ChronoUnit.MINUTES))
                .getResultList();
        return rows.isEmpty() ? 0 : rows.get(0).longValue();
    }

    /** Requests and cost of the minutes in [from, to). */
    public Totals minutes(String customerId, Instant from, Instant to) {
        return totals("minute_activity", "minute", customerId, from, to);
    }

    /** Requests and cost of the hours in [from, to). */
    public Totals hours(String customerId, Instant from, Instant to) {
        return totals("hourly_activity", "hour", customerId, from, to);
    }

    private Totals totals(String table, String column, String customerId, Instant from, Instant to) {
        Object[] row = (Object[]) em.createNativeQuery("select coalesce(sum(requests), 0), coalesce(sum(cost_usd), 0)"
                        + " from " + table + " where customer_id = :customer and " + column + " >= :from and "
                        + column + " < :to")
                .setParameter("customer", customerId)
                .setParameter("from", from)
                .setParameter("to", to)
                .getSingleResult();
        BigDecimal cost = row[1] instanceof BigDecimal decimal ? decimal : new BigDecimal(row[1].toString());
        return new Totals(((Number) row[0]).longValue(), cost);
    }

    /** Deletes minute counts older than {@code minuteRetention} and hourly counts older than {@code hourRetention}. */
    @Transactional
    public int[] prune(Instant now, Duration minuteRetention, Duration hourRetention) {
        int minutes = em.createNativeQuery("delete from minute_activity where minute < :before")
                .setParameter("before", now.minus(minuteRetention))
                .executeUpdate();
        int hours = em.createNativeQuery("delete from hourly_activity where hour < :before")
                .setParameter("before", now.minus(hourRetention))
                .executeUpdate();
        return new int[] {minutes, hours};
    }
}
