package io.apimeter.quota.service;

import io.apimeter.common.messaging.ProcessedEvents;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.UsageEvent;
import io.apimeter.quota.entity.CustomerState;
import io.apimeter.quota.entity.MonthlyUsage;
import io.apimeter.quota.entity.Quota;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Monthly counters and limits per customer, and everything they call for: threshold, rate-limit, unusual
 * activity and platform budget alerts, and the quota-status the gateway decides on.
 *
 * <p>Every change of a customer (a usage event, a quota change) first locks that customer's
 * {@code customer_state} row, so two replicas, or two threads, apply one customer's changes one after the
 * other; counters are then changed under their own row locks, and the platform's cost row is taken last.
 * The lock order (customer, quota, month, minute and hour, platform cost) is the same everywhere.
 */
@ApplicationScoped
@Transactional
public class QuotaService {
    private static final Logger LOG = Logger.getLogger(QuotaService.class);

    private final EntityManager em;
    private final QuotaAlerts alerts;
    private final ActivityCounters counters;
    private final RateLimits rateLimits;
    private final UnusualActivity unusual;
    private final QuotaStatuses statuses;
    private final PlatformBudgets platform;
    private final LimitHistory history;

    public QuotaService(EntityManager em, QuotaAlerts alerts, ActivityCounters counters, RateLimits rateLimits,
                        UnusualActivity unusual, QuotaStatuses statuses, PlatformBudgets platform,
                        LimitHistory history) {
        this.em = em;
        this.alerts = alerts;
        this.counters = counters;
        this.rateLimits = rateLimits;
        this.unusual = unusual;
        this.statuses = statuses;
        this.platform = platform;
        this.history = history;
    }

    /**
     * Adds one usage event to its customer's month, minute and hour, fires the alerts that are due and
     * publishes the customer's status when it changed, all in one transaction. Returns false, changing
     * nothing, when the event was applied before.
     */
    public boolean apply(UsageEvent event) {
        return applyAll(List.of(event)) == 1;
    }

    /**
     * Applies a batch of usage events in one transaction; returns how many were new. The event ids applied before
     * (redeliveries, copies within the batch) are left out in one statement. Then, customer by customer in a fixed
     * order and under the customer's lock: each month's counters, minute and hour are changed once, from sums in
     * memory; thresholds and per-minute limits are judged from the totals before the batch, event by event in
     * order, so each alert fires once and for the event that crossed; unusual activity is judged after the
     * customer's last event and, only when that is unusual, event by event to find the one that made it so; the
     * status is published once when it changed. The platform's cost is touched once per month, last. An event of
     * an earlier month (a late event, a replay) is judged against that month's limits, not today's.
     */
    public int applyAll(List<UsageEvent> events) {
        Instant now = now();
        Map<UUID, UsageEvent> unique = new LinkedHashMap<>();
        events.forEach(e -> unique.putIfAbsent(e.eventId(), e));
        Set<UUID> fresh = em.unwrap(Session.class).doReturningWork(connection ->
                ProcessedEvents.markNew(connection, unique.keySet(), now));
        if (fresh.isEmpty()) {
            LOG.debugf("%d usage events were applied before; ignored", events.size());
            return 0;
        }
        Map<String, List<UsageEvent>> byCustomer = new TreeMap<>();
        SortedMap<ActivityCounters.Slot, ActivityCounters.Tally> minutes = new TreeMap<>();
        SortedMap<ActivityCounters.Slot, ActivityCounters.Tally> hours = new TreeMap<>();
        SortedMap<String, MonthlyUsage> monthSums = new TreeMap<>();
        for (UsageEvent event : unique.values()) {
            if (!fresh.contains(event.eventId())) {
                continue;
            }
            String customerId = event.customerId();
            byCustomer.computeIfAbsent(customerId, c -> new ArrayList<>()).add(event);
            BigDecimal cost = event.cost().amountOrZero();
            minutes.computeIfAbsent(new ActivityCounters.Slot(customerId,
                    event.occurredAt().truncatedTo(ChronoUnit.MINUTES)), m -> new ActivityCounters.Tally())
                    .add(cost, event.countsAsCall());
            hours.computeIfAbsent(new ActivityCounters.Slot(customerId,
                    event.occurredAt().truncatedTo(ChronoUnit.HOURS)), h -> new ActivityCounters.Tally())
                    .add(cost, event.countsAsCall());
            add(monthSums.computeIfAbsent(customerId + "\u0000" + Months.of(event.occurredAt()),
                    k -> blank(customerId, Months.of(event.occurredAt()).toString())), event, now);
        }
        // The locks in their fixed order, each kind in one statement: customers, their months, minutes and hours.
        // Months, minutes and hours are added to once each, from the sums above; what they held before the batch
        // is what they hold after, less those sums.
        Map<String, CustomerState> states = lockCustomers(byCustomer.keySet(), now);
        Map<String, Quota> quotas = new HashMap<>();
        em.createQuery("from Quota where customerId in :ids", Quota.class).setParameter("ids", byCustomer.keySet())
                .getResultList().forEach(q -> quotas.put(q.customerId, q));
        Map<MonthlyUsage.Key, MonthlyUsage> months = addToMonths(monthSums.values(), now);
        Map<ActivityCounters.Slot, ActivityCounters.MinuteCount> counted = counters.countAll(minutes, hours);

        Map<String, Map<Instant, long[]>> running = new HashMap<>();
        Map<String, Map<Instant, Boolean>> overLimit = new HashMap<>();
        counted.forEach((slot, count) -> {
            running.computeIfAbsent(slot.customerId(), c -> new HashMap<>())
                    .put(slot.start(), new long[] {count.requests() - minutes.get(slot).requests});
            overLimit.computeIfAbsent(slot.customerId(), c -> new HashMap<>()).put(slot.start(), count.overLimit());
        });
        Map<YearMonth, List<PlatformBudgets.Charge>> charges = new TreeMap<>();
        byCustomer.forEach((customerId, customerEvents) -> applyCustomer(states.get(customerId),
                quotas.get(customerId), customerEvents, months, running.get(customerId), overLimit.get(customerId),
                now, charges));
        charges.forEach(platform::addAll);
        return fresh.size();
    }

    /**
     * One customer's events of a batch, in order, its rows locked and its minutes counted already.
     *
     * @param quota     the quota in force, null when none; it judges the current month, an earlier month is judged
     *                  against the limits it had ({@link LimitHistory})
     * @param running   each minute's requests before the batch, counted up here event by event
     * @param overLimit whether each minute was marked over the limit, kept up to date here
     */
    private void applyCustomer(CustomerState state, Quota quota, List<UsageEvent> events,
                               Map<MonthlyUsage.Key, MonthlyUsage> months, Map<Instant, long[]> running,
                               Map<Instant, Boolean> overLimit, Instant now,
                               Map<YearMonth, List<PlatformBudgets.Charge>> charges) {
        Instant firstSeen = events.stream().map(UsageEvent::occurredAt).min(Instant::compareTo).orElseThrow();
        if (state.firstSeenAt == null || firstSeen.isBefore(state.firstSeenAt)) {
            state.firstSeenAt = firstSeen;
            state.updatedAt = now;
        }
        Map<YearMonth, String> reached = new HashMap<>();
        Map<YearMonth, Optional<Quota>> earlier = new HashMap<>();
        for (UsageEvent event : events) {
            YearMonth month = Months.of(event.occurredAt());
            Quota limits = LimitHistory.isEarlier(month, now)
                    ? earlier.computeIfAbsent(month, m -> Optional.ofNullable(history.quotaOf(state.customerId, m)))
                    .orElse(null)
                    : quota;
            MonthlyUsage usage = months.get(new MonthlyUsage.Key(state.customerId, month.toString()));
            BigDecimal cost = event.cost().amountOrZero();
            add(usage, event, now);
            charges.computeIfAbsent(month, m -> new ArrayList<>())
                    .add(new PlatformBudgets.Charge(cost, event.occurredAt(), event.eventId()));

            Instant minuteStart = event.occurredAt().truncatedTo(ChronoUnit.MINUTES);
            // Only a request is one; a call's billed seconds reported later (or their correction) are not.
            long requests = event.countsAsCall() ? ++running.get(minuteStart)[0] : running.get(minuteStart)[0];
            if (limits != null) {
                // The ledger is asked only where a threshold may have been crossed: at the month's first event of
                // the batch and wherever the thresholds reached change.
                String nowReached = reachedThresholds(limits, usage);
                if (!nowReached.equals(reached.put(month, nowReached))) {
                    alerts.evaluate(limits, usage, event.occurredAt(), event.eventId());
                }
                ActivityCounters.Minute minute = new ActivityCounters.Minute(minuteStart, requests,
                        overLimit.get(minuteStart));
                rateLimits.check(limits, minute, event.occurredAt(), event.eventId());
                if (limits.requestsPerMinute != null && requests > limits.requestsPerMinute) {
                    overLimit.put(minuteStart, true); // marked in the database by the check, now or before
                }
            }
        }
        unusual.checkAll(state, events);
        if (quota != null) {
            statuses.publish(state, quota, false, events.get(events.size() - 1).eventId());
        }
    }

    /** The customers' state rows, created when missing, locked in the order of their ids until the end. */
    private Map<String, CustomerState> lockCustomers(Set<String> customerIds, Instant now) {
        em.createNativeQuery("insert into customer_state (customer_id, updated_at) select c, :at"
                        + " from unnest(cast(:ids as text[])) as c order by c on conflict do nothing")
                .setParameter("ids", SqlArrays.literal(customerIds))
                .setParameter("at", now)
                .executeUpdate();
        Map<String, CustomerState> states = new HashMap<>();
        em.createQuery("from CustomerState where customerId in :ids order by customerId", CustomerState.class)
                .setParameter("ids", customerIds)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList().forEach(state -> states.put(state.customerId, state));
        return states;
    }

    /**
     * Adds a batch's sums to their months' counters in one statement (creating missing rows, each row under its
     * lock until the transaction ends) and returns, per month, the counters as they were before the batch: not
     * managed, for the alerts to be judged from, event by event.
     */
    private Map<MonthlyUsage.Key, MonthlyUsage> addToMonths(java.util.Collection<MonthlyUsage> sums, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("insert into monthly_usage as u (customer_id, month, openai_tokens,"
                        + " elevenlabs_characters, smartflo_seconds, cost_usd, calls, updated_at)"
                        + " select s.*, :at from unnest(cast(:customers as text[]), cast(:months as text[]),"
                        + " cast(:tokens as bigint[]), cast(:characters as bigint[]), cast(:seconds as bigint[]),"
                        + " cast(:costs as numeric[]), cast(:calls as bigint[])) as s"
                        + " on conflict (customer_id, month) do update set"
                        + " openai_tokens = u.openai_tokens + excluded.openai_tokens,"
                        + " elevenlabs_characters = u.elevenlabs_characters + excluded.elevenlabs_characters,"
                        + " smartflo_seconds = u.smartflo_seconds + excluded.smartflo_seconds,"
                        + " cost_usd = u.cost_usd + excluded.cost_usd, calls = u.calls + excluded.calls,"
                        + " updated_at = excluded.updated_at"
                        + " returning customer_id, month, openai_tokens, elevenlabs_characters, smartflo_seconds,"
                        + " cost_usd, calls")
                .setParameter("customers", SqlArrays.literal(sums.stream().map(u -> u.customerId).toList()))
                .setParameter("months", SqlArrays.literal(sums.stream().map(u -> u.month).toList()))
                .setParameter("tokens", SqlArrays.literal(sums.stream().map(u -> u.openaiTokens).toList()))
                .setParameter("characters", SqlArrays.literal(sums.stream()
                        .map(u -> u.elevenlabsCharacters).toList()))
                .setParameter("seconds", SqlArrays.literal(sums.stream().map(u -> u.smartfloSeconds)
                        .toList()))
                .setParameter("costs", SqlArrays.literal(sums.stream().map(u -> u.costUsd.toPlainString())
                        .toList()))
                .setParameter("calls", SqlArrays.literal(sums.stream().map(u -> u.calls).toList()))
                .setParameter("at", now)
                .getResultList();
        Map<MonthlyUsage.Key, MonthlyUsage> batch = new HashMap<>();
        sums.forEach(sum -> batch.put(new MonthlyUsage.Key(sum.customerId, sum.month), sum));
        Map<MonthlyUsage.Key, MonthlyUsage> before = new HashMap<>();
        for (Object[] row : rows) {
            MonthlyUsage.Key key = new MonthlyUsage.Key((String) row[0], (String) row[1]);
            MonthlyUsage sum = batch.get(key);
            MonthlyUsage usage = blank(key.customerId, key.month);
            usage.openaiTokens = ((Number) row[2]).longValue() - sum.openaiTokens;
            usage.elevenlabsCharacters = ((Number) row[3]).longValue() - sum.elevenlabsCharacters;
            usage.smartfloSeconds = ((Number) row[4]).longValue() - sum.smartfloSeconds;
            usage.costUsd = ((BigDecimal) row[5]).subtract(sum.costUsd);
            usage.calls = ((Number) row[6]).longValue() - sum.calls;
            before.put(key, usage);
        }
        return before;
    }

    /** Counters at zero, not managed: a batch's sums, or a month's counters being walked event by event. */
    private static MonthlyUsage blank(String customerId, String month) {
        MonthlyUsage usage = new MonthlyUsage();
        usage.customerId = customerId;
        usage.month = month;
        usage.costUsd = BigDecimal.ZERO;
        return usage;
    }

    /** Adds one call to counters held in memory. */
    private static void add(MonthlyUsage usage, UsageEvent event, Instant now) {
        switch (event.provider()) {
            case OPENAI -> usage.openaiTokens = Math.addExact(usage.openaiTokens, event.usage().totalTokens());
            case ELEVENLABS -> usage.elevenlabsCharacters = Math.addExact(usage.elevenlabsCharacters,
                    event.usage().characters());
            case SMARTFLO -> usage.smartfloSeconds = Math.addExact(usage.smartfloSeconds, event.usage().callSeconds());
        }
        usage.costUsd = usage.costUsd.add(event.cost().amountOrZero());
        usage.calls += event.countsAsCall() ? 1 : 0;
        usage.updatedAt = now;
    }

    /** Which thresholds a month's usage has reached, per dimension: what the alerts depend on. */
    private static String reachedThresholds(Quota quota, MonthlyUsage usage) {
        StringBuilder reached = new StringBuilder();
        for (DimensionUsage dimension : MonthlyStanding.of(usage, quota)) {
            reached.append(dimension.dimension().ordinal()).append(dimension.due(quota.warnAtPercent)).append(';');
        }
        return reached.toString();
    }

    /**
     * Creates or replaces a customer's quota. In the same transaction: the quota is kept as a version (earlier
     * months keep the limits they had), the current month's thresholds that usage is now below are re-armed, those
     * it is at or above fire at once (a limit of zero: even with nothing used), and the customer's status is
     * published (a block starts or ends at once).
     */
    public Quota put(String customerId, QuotaSettings settings) {
        Instant now = now();
        CustomerState state = lockCustomer(customerId, now);
        em.createNativeQuery("insert into quota (customer_id, updated_at) values (:id, :at) on conflict do nothing")
                .setParameter("id", customerId)
                .setParameter("at", now)
                .executeUpdate();
        Quota quota = em.find(Quota.class, customerId, LockModeType.PESSIMISTIC_WRITE);
        quota.openaiTokens = settings.openaiTokens();
        quota.elevenlabsCharacters = settings.elevenlabsCharacters();
        quota.smartfloMinutes = settings.smartfloMinutes();
        quota.totalCostUsd = settings.totalCostUsd();
        quota.requestsPerMinute = settings.requestsPerMinute();
        quota.warnAtPercent = settings.warnAtPercent();
        quota.enforcement = settings.enforcement().name();
        quota.updatedAt = now;
        em.flush();
        history.record(quota);
        MonthlyUsage usage = lockMonth(customerId, Months.of(now));
        if (usage == null) {
            // Nothing used this month: only a limit of zero is reached, but it is, and must fire like any other.
            usage = blank(customerId, Months.of(now).toString());
        }
        alerts.rearm(quota, usage, now);
        alerts.evaluate(quota, usage, now, null);
        QuotaStatus status = statuses.publish(state, quota, true);
        LOG.infof("quota of %s set: tokens=%s characters=%s minutes=%s cost=%s rpm=%s warn=%d%% %s; blocked=%s",
                customerId, quota.openaiTokens, quota.elevenlabsCharacters, quota.smartfloMinutes, quota.totalCostUsd,
                quota.requestsPerMinute, quota.warnAtPercent, quota.enforcement, status.blocked());
        return quota;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Quota> find(String customerId) {
        return Optional.ofNullable(em.find(Quota.class, customerId));
    }

    /**
     * A month against its limits: the quota in force for the current month, for an earlier month the limits it had
     * when it ended; for the current month also requests per minute and the block.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public MonthlyReport report(String customerId, YearMonth month) {
        Instant now = now();
        MonthlyUsage usage = em.find(MonthlyUsage.class, new MonthlyUsage.Key(customerId, month.toString()));
        Quota quota = LimitHistory.isEarlier(month, now) ? history.quotaOf(customerId, month)
                : em.find(Quota.class, customerId);
        Enforcement enforcement = quota == null ? Enforcement.ALERT_ONLY : Enforcement.valueOf(quota.enforcement);
        int warnAt = quota == null ? QuotaSettings.DEFAULT_WARN_AT_PERCENT : quota.warnAtPercent;
        boolean current = month.equals(Months.of(now));
        var dimensions = MonthlyStanding.of(usage, quota);
        DimensionUsage perMinute = null;
        if (current && quota != null && quota.requestsPerMinute != null) {
            perMinute = new DimensionUsage(QuotaDimension.REQUESTS_PER_MINUTE,
                    BigDecimal.valueOf(counters.requestsIn(customerId, now)), BigDecimal.valueOf(quota.requestsPerMinute));
        }
        boolean blocked = current && enforcement == Enforcement.BLOCK
                && dimensions.stream().anyMatch(DimensionUsage::exceeded);
        Instant rateLimitedUntil = current && enforcement == Enforcement.BLOCK && perMinute != null
                && perMinute.exceeded() ? now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES) : null;
        return new MonthlyReport(customerId, month,
                usage == null ? BigDecimal.ZERO : usage.costUsd,
                usage == null ? 0 : usage.calls,
                dimensions, perMinute, enforcement, warnAt, blocked, rateLimitedUntil);
    }

    /** The customer's state row, created when missing, locked until the transaction ends. */
    private CustomerState lockCustomer(String customerId, Instant now) {
        em.createNativeQuery("insert into customer_state (customer_id, updated_at) values (:id, :at)"
                        + " on conflict do nothing")
                .setParameter("id", customerId)
                .setParameter("at", now)
                .executeUpdate();
        return em.find(CustomerState.class, customerId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The month's counters, locked until the transaction ends; null for a month with no usage. */
    private MonthlyUsage lockMonth(String customerId, YearMonth month) {
        return em.find(MonthlyUsage.class, new MonthlyUsage.Key(customerId, month.toString()),
                LockModeType.PESSIMISTIC_WRITE);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
