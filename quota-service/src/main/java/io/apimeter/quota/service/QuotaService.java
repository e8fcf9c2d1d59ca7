package io.apimeter.quota.service;

import io.apimeter.events.Months;
import io.apimeter.events.UsageEvent;
import io.apimeter.quota.entity.MonthlyUsage;
import io.apimeter.quota.entity.Quota;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Monthly counters and limits per customer, and the alerts they call for. */
@ApplicationScoped
@Transactional
public class QuotaService {
    private static final Logger LOG = Logger.getLogger(QuotaService.class);

    private final EntityManager em;
    private final QuotaAlerts alerts;

    public QuotaService(EntityManager em, QuotaAlerts alerts) {
        this.em = em;
        this.alerts = alerts;
    }

    /**
     * Adds one usage event to its customer's month and fires the alerts that are due, all in one
     * transaction. Returns false, changing nothing, when the event was applied before.
     */
    public boolean apply(UsageEvent event) {
        int inserted = em.createNativeQuery(
                        "insert into processed_event (event_id, processed_at) values (:id, :at) on conflict do nothing")
                .setParameter("id", event.eventId())
                .setParameter("at", now())
                .executeUpdate();
        if (inserted == 0) {
            LOG.debugf("usage event %s was applied before; ignored", event.eventId());
            return false;
        }
        MonthlyUsage usage = lockMonth(event.customerId(), Months.of(event.occurredAt()), true);
        switch (event.provider()) {
            case OPENAI -> usage.openaiTokens = Math.addExact(usage.openaiTokens, event.usage().totalTokens());
            case ELEVENLABS -> usage.elevenlabsCharacters = Math.addExact(usage.elevenlabsCharacters,
                    event.usage().characters());
            case SMARTFLO -> usage.smartfloSeconds = Math.addExact(usage.smartfloSeconds, event.usage().callSeconds());
        }
        usage.costUsd = usage.costUsd.add(event.cost().amountOrZero());
        usage.calls++;
        usage.updatedAt = now();
        Quota quota = em.find(Quota.class, event.customerId());
        if (quota != null) {
            alerts.evaluate(quota, usage, event.occurredAt(), event.eventId());
        }
        return true;
    }

    /** Creates or replaces a customer's quota, then fires what the current month's usage now calls for. */
    public Quota put(String customerId, QuotaSettings settings) {
        Instant now = now();
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
        MonthlyUsage usage = lockMonth(customerId, YearMonth.now(ZoneOffset.UTC), false);
        if (usage != null) {
            alerts.evaluate(quota, usage, now, null);
        }
        LOG.infof("quota of %s set: tokens=%s characters=%s minutes=%s cost=%s rpm=%s warn=%d%% %s", customerId,
                quota.openaiTokens, quota.elevenlabsCharacters, quota.smartfloMinutes, quota.totalCostUsd,
                quota.requestsPerMinute, quota.warnAtPercent, quota.enforcement);
        return quota;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Quota> find(String customerId) {
        return Optional.ofNullable(em.find(Quota.class, customerId));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MonthlyReport report(String customerId, YearMonth month) {
        MonthlyUsage usage = em.find(MonthlyUsage.class, new MonthlyUsage.Key(customerId, month.toString()));
        Quota quota = em.find(Quota.class, customerId);
        return new MonthlyReport(customerId, month,
                usage == null ? BigDecimal.ZERO : usage.costUsd,
                usage == null ? 0 : usage.calls,
                MonthlyStanding.of(usage, quota),
                quota == null ? Enforcement.ALERT_ONLY : Enforcement.valueOf(quota.enforcement));
    }

    /**
     * The month's counters, locked until the transaction ends so that events and quota changes of the
     * same customer and month are applied one after the other. With {@code create} a missing row is
     * created first; without, a month with no usage gives null.
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
