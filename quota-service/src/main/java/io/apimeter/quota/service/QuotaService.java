package io.apimeter.quota.service;

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
import java.util.Optional;
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

    public QuotaService(EntityManager em, QuotaAlerts alerts, ActivityCounters counters, RateLimits rateLimits,
                        UnusualActivity unusual, QuotaStatuses statuses, PlatformBudgets platform) {
        this.em = em;
        this.alerts = alerts;
        this.counters = counters;
        this.rateLimits = rateLimits;
        this.unusual = unusual;
        this.statuses = statuses;
        this.platform = platform;
    }

    /**
     * Adds one usage event to its customer's month, minute and hour, fires the alerts that are due and
     * publishes the customer's status when it changed, all in one transaction. Returns false, changing
     * nothing, when the event was applied before.
     */
    public boolean apply(UsageEvent event) {
        Instant now = now();
        int inserted = em.createNativeQuery(
                        "insert into processed_event (event_id, processed_at) values (:id, :at) on conflict do nothing")
                .setParameter("id", event.eventId())
                .setParameter("at", now)
                .executeUpdate();
        if (inserted == 0) {
            LOG.debugf("usage event %s was applied before; ignored", event.eventId());
            return false;
        }
        String customerId = event.customerId();
        CustomerState state = lockCustomer(customerId, now);
        if (state.firstSeenAt == null || event.occurredAt().isBefore(state.firstSeenAt)) {
            state.firstSeenAt = event.occurredAt();
            state.updatedAt = now;
        }

        YearMonth month = Months.of(event.occurredAt());
        BigDecimal cost = event.cost().amountOrZero();
        MonthlyUsage usage = lockMonth(customerId, month, true);
        switch (event.provider()) {
            case OPENAI -> usage.openaiTokens = Math.addExact(usage.openaiTokens, event.usage().totalTokens());
            case ELEVENLABS -> usage.elevenlabsCharacters = Math.addExact(usage.elevenlabsCharacters,
                    event.usage().characters());
            case SMARTFLO -> usage.smartfloSeconds = Math.addExact(usage.smartfloSeconds, event.usage().callSeconds());
        }
        usage.costUsd = usage.costUsd.add(cost);
        usage.calls++;
        usage.updatedAt = now;

        ActivityCounters.Minute minute = counters.count(customerId, event.occurredAt(), cost);
        Quota quota = em.find(Quota.class, customerId);
        if (quota != null) {
            alerts.evaluate(quota, usage, event.occurredAt(), event.eventId());
            rateLimits.check(quota, minute, event.occurredAt(), event.eventId());
        }
        unusual.check(state, minute.start(), event.occurredAt(), event.eventId());
        if (quota != null) {
            statuses.publish(state, quota, false);
        }
        platform.add(month, cost, event.occurredAt(), event.eventId());
        return true;
    }

    /**
     * Creates or replaces a customer's quota. In the same transaction: the current month's thresholds that
     * usage is now below are re-armed, those it is at or above fire at once, and the customer's status is
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
        MonthlyUsage usage = lockMonth(customerId, Months.of(now), false);
        if (usage != null) {
            alerts.rearm(quota, usage, now);
            alerts.evaluate(quota, usage, now, null);
        }
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

    /** A month against the limits in force; for the current month also requests per minute and the block. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public MonthlyReport report(String customerId, YearMonth month) {
        Instant now = now();
        MonthlyUsage usage = em.find(MonthlyUsage.class, new MonthlyUsage.Key(customerId, month.toString()));
        Quota quota = em.find(Quota.class, customerId);
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

    /**
     * The month's counters, locked until the transaction ends. With {@code create} a missing row is created
     * first; without, a month with no usage gives null.
     */
    private MonthlyUsage lockMonth(String customerId, YearMonth month, boolean create) {
        if (create) {
            em.createNativeQuery("insert into monthly_usage (customer_id, month, updated_at) values (:c, :m, :at)"
                            + " on conflict do nothing")
                    .setParameter("c", customerId)
                    .setParameter("m", month.toString())
                    .setParameter("at", now())
                    .executeUpdate();
        }
        return em.find(MonthlyUsage.class, new MonthlyUsage.Key(customerId, month.toString()),
                LockModeType.PESSIMISTIC_WRITE);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
