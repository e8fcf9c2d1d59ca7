package io.apimeter.quota.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

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

    /** A batch's calls of one customer in one minute or hour: how many and what they cost. */
    public static final class Tally {
        long requests;
        BigDecimal costUsd = BigDecimal.ZERO;

        /** A request adds one request and its cost; a call's later report or adjustment adds its cost only. */
        void add(BigDecimal cost, boolean request) {
            requests += request ? 1 : 0;
            costUsd = costUsd.add(cost);
        }
    }

    /** A minute's count after a batch was added: its requests, and whether it was marked over the limit before. */
    public record MinuteCount(long requests, boolean overLimit) {
    }

    /** A customer's minute or hour. */
    public record Slot(String customerId, Instant start) implements Comparable<Slot> {
        @Override
        public int compareTo(Slot other) {
            int byCustomer = customerId.compareTo(other.customerId);
            return byCustomer != 0 ? byCustomer : start.compareTo(other.start);
        }
    }

    /**
     * Counts a batch's calls, each customer's minute and hour once, in two statements: {@code minutes} and
     * {@code hours} hold the batch's requests and cost per customer and UTC minute or hour. Returns each minute's
     * count after the batch.
     */
    public Map<Slot, MinuteCount> countAll(SortedMap<Slot, Tally> minutes, SortedMap<Slot, Tally> hours) {
        Map<Slot, MinuteCount> counts = new HashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = upsert("minute_activity", "minute", minutes, " returning customer_id, minute, requests,"
                + " over_limit").getResultList();
        for (Object[] row : rows) {
            counts.put(new Slot((String) row[0], instant(row[1])),
                    new MinuteCount(((Number) row[2]).longValue(), (Boolean) row[3]));
        }
        upsert("hourly_activity", "hour", hours, "").executeUpdate();
        return counts;
    }

    private jakarta.persistence.Query upsert(String table, String column, SortedMap<Slot, Tally> slots,
                                              String returning) {
        return em.createNativeQuery("insert into " + table + " as a (customer_id, " + column + ", requests, cost_usd)"
                        + " select * from unnest(cast(:customers as text[]), cast(:starts as timestamptz[]),"
                        + " cast(:requests as bigint[]), cast(:costs as numeric[]))"
                        + " on conflict (customer_id, " + column + ") do update"
                        + " set requests = a.requests + excluded.requests, cost_usd = a.cost_usd + excluded.cost_usd"
                        + returning)
                .setParameter("customers", SqlArrays.literal(slots.keySet().stream().map(Slot::customerId).toList()))
                .setParameter("starts", SqlArrays.literal(slots.keySet().stream().map(Slot::start).toList()))
                .setParameter("requests", SqlArrays.literal(slots.values().stream().map(t -> t.requests).toList()))
                .setParameter("costs", SqlArrays.literal(slots.values().stream().map(t -> t.costUsd.toPlainString()).toList()));
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalStateException("a time of type " + value.getClass());
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
