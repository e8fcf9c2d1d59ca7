package io.apimeter.quota.service;

import io.apimeter.events.Months;
import io.apimeter.quota.entity.PlatformBudget;
import io.apimeter.quota.entity.PlatformBudgetVersion;
import io.apimeter.quota.entity.Quota;
import io.apimeter.quota.entity.QuotaVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The limits each month is judged against. Every quota and platform budget change is kept as a version valid
 * from the time it was set; a month is judged against the last version set before it ended. For the current
 * month (and a later one) that is the quota or budget in force, which callers already hold; an earlier month
 * keeps the limits it had when it ended, whatever was set since.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class LimitHistory {
    private final EntityManager em;

    public LimitHistory(EntityManager em) {
        this.em = em;
    }

    /**
     * Keeps the quota just set as a version valid from its {@code updatedAt}, or just after the customer's previous
     * version should a replica's clock be behind it. The caller holds the customer's lock.
     */
    public void record(Quota quota) {
        List<Instant> last = em.createQuery("select max(v.validFrom) from QuotaVersion v where v.customerId = :id",
                        Instant.class)
                .setParameter("id", quota.customerId)
                .getResultList();
        em.persist(QuotaVersion.of(quota, after(last, quota.updatedAt)));
    }

    /** Keeps the budget just set as a version, like {@link #record(Quota)}. The caller holds the budget's lock. */
    public void record(PlatformBudget budget) {
        List<Instant> last = em.createQuery("select max(v.validFrom) from PlatformBudgetVersion v", Instant.class)
                .getResultList();
        em.persist(PlatformBudgetVersion.of(budget, after(last, budget.updatedAt)));
    }

    /**
     * The customer's limits for an earlier month: the last quota set before the month ended, not managed; null
     * when the customer had none then (unlimited).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Quota quotaOf(String customerId, YearMonth month) {
        return em.createQuery("from QuotaVersion where customerId = :id and validFrom < :end order by validFrom desc",
                        QuotaVersion.class)
                .setParameter("id", customerId)
                .setParameter("end", Months.end(month))
                .setMaxResults(1)
                .getResultStream().findFirst().map(QuotaVersion::toQuota).orElse(null);
    }

    /**
     * The platform's budget for an earlier month: the last one set before the month ended, not managed; null when
     * none had been set then.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PlatformBudget budgetOf(YearMonth month) {
        return em.createQuery("from PlatformBudgetVersion where validFrom < :end order by validFrom desc",
                        PlatformBudgetVersion.class)
                .setParameter("end", Months.end(month))
                .setMaxResults(1)
                .getResultStream().findFirst().map(PlatformBudgetVersion::toBudget).orElse(null);
    }

    /** Whether {@code month} ended before {@code now}: its limits come from the history, not from today's. */
    public static boolean isEarlier(YearMonth month, Instant now) {
        return month.isBefore(Months.of(now));
    }

    private static Instant after(List<Instant> last, Instant at) {
        Instant previous = last.isEmpty() ? null : last.get(0);
        return previous != null && !at.isAfter(previous) ? previous.plus(1, ChronoUnit.MICROS) : at;
    }
}
