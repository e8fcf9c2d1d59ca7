package io.apimeter.quota.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.quota.entity.PlatformBudget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The platform's monthly cost budget and PLATFORM_COST alerts. The platform's cost of a month is one row,
 * added to by each priced usage event with {@code update ... set cost = cost + ?} under that row's lock and
 * compared with the budget in the same transaction: whatever the replicas, each total is seen by exactly one
 * transaction, so a crossing is never missed, and the alert's unique index fires it once. The row is the
 * last one an event's transaction touches, to hold its lock briefly.
 */
@ApplicationScoped
@Transactional
public class PlatformBudgets {
    private static final Logger LOG = Logger.getLogger(PlatformBudgets.class);

    private final EntityManager em;
    private final AlertLedger ledger;
    private final Outbox outbox;
    private final LimitHistory history;

    public PlatformBudgets(EntityManager em, AlertLedger ledger, Outbox outbox, LimitHistory history) {
        this.em = em;
        this.ledger = ledger;
        this.outbox = outbox;
        this.history = history;
    }

    /** A priced call of a batch, in the order the batch holds them. */
    public record Charge(BigDecimal cost, Instant occurredAt, UUID eventId) {
    }

    /**
     * Adds a batch's calls of one month to its cost, touching the row once, and fires the PLATFORM_COST alerts
     * due, each for the call that crossed its threshold, against the month's budget (an earlier month's: the one
     * it had when it ended).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void addAll(YearMonth month, List<Charge> charges) {
        BigDecimal sum = charges.stream().map(Charge::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (sum.signum() == 0) {
            return;
        }
        BigDecimal total = (BigDecimal) em.createNativeQuery("insert into platform_monthly_cost (month, cost_usd,"
                        + " updated_at) values (:month, :cost, :at) on conflict (month) do update"
                        + " set cost_usd = platform_monthly_cost.cost_usd + excluded.cost_usd,"
                        + " updated_at = excluded.updated_at returning cost_usd")
                .setParameter("month", month.toString())
                .setParameter("cost", sum)
                .setParameter("at", now())
                .getSingleResult();
        PlatformBudget budget = budgetOf(month, now());
        if (budget == null || budget.monthlyCostUsd == null) {
            return;
        }
        BigDecimal running = total.subtract(sum);
        List<AlertType> reached = standing(running, budget).due(budget.warnAtPercent);
        for (Charge charge : charges) {
            running = running.add(charge.cost());
            List<AlertType> now = standing(running, budget).due(budget.warnAtPercent);
            if (!now.equals(reached)) {
                evaluate(month, running, budget, charge.occurredAt(), charge.eventId());
                reached = now;
            }
        }
    }

    private static DimensionUsage standing(BigDecimal cost, PlatformBudget budget) {
        return new DimensionUsage(QuotaDimension.TOTAL_COST_USD, cost, Decimals.normalize(budget.monthlyCostUsd));
    }

    /** The budget in force; an unsaved one (no budget, warning at 80%) when none was ever set. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PlatformBudget budget() {
        PlatformBudget budget = em.find(PlatformBudget.class, PlatformBudget.ID);
        return budget == null ? none() : budget;
    }

    /** No budget, warning at 80%: not saved. */
    private static PlatformBudget none() {
        PlatformBudget budget = new PlatformBudget();
        budget.id = PlatformBudget.ID;
        budget.warnAtPercent = QuotaSettings.DEFAULT_WARN_AT_PERCENT;
        return budget;
    }

    /**
     * Sets the budget (null: none), re-arms the thresholds the current month's cost is now below and fires,
     * at once, those it is now at or above.
     */
    public PlatformBudget put(BigDecimal monthlyCostUsd, int warnAtPercent) {
        Instant now = now();
        em.createNativeQuery("insert into platform_budget (id, updated_at) values (:id, :at) on conflict do nothing")
                .setParameter("id", PlatformBudget.ID)
                .setParameter("at", now)
                .executeUpdate();
        PlatformBudget budget = em.find(PlatformBudget.class, PlatformBudget.ID, LockModeType.PESSIMISTIC_WRITE);
        budget.monthlyCostUsd = monthlyCostUsd;
        budget.warnAtPercent = warnAtPercent;
        budget.updatedAt = now;
        em.flush();
        history.record(budget);

        YearMonth month = Months.of(now);
        BigDecimal cost = lockMonth(month);
        DimensionUsage standing = new DimensionUsage(QuotaDimension.TOTAL_COST_USD, cost,
                Decimals.normalize(monthlyCostUsd));
        if (!standing.reached(warnAtPercent) && ledger.rearmPlatformAlert(month.toString(), AlertType.WARNING, now)) {
            LOG.infof("platform budget warning of %s re-armed", month);
        }
        if (!standing.reached(100) && ledger.rearmPlatformAlert(month.toString(), AlertType.EXCEEDED, now)) {
            LOG.infof("platform budget exceeded alert of %s re-armed", month);
        }
        if (monthlyCostUsd != null) {
            evaluate(month, cost, budget, now, null);
        }
        LOG.infof("platform budget set: %s per month, warning at %d%%", monthlyCostUsd, warnAtPercent);
        return budget;
    }

    /** The platform's cost of a month against its budget: the one in force, or the one an earlier month ended with. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PlatformReport report(YearMonth month) {
        @SuppressWarnings("unchecked")
        List<BigDecimal> rows = em.createNativeQuery("select cost_usd from platform_monthly_cost where month = :month")
                .setParameter("month", month.toString())
                .getResultList();
        BigDecimal cost = rows.isEmpty() ? BigDecimal.ZERO : rows.get(0);
        PlatformBudget budget = budgetOf(month, now());
        if (budget == null) {
            budget = none();
        }
        return new PlatformReport(month, new DimensionUsage(QuotaDimension.TOTAL_COST_USD, cost,
                Decimals.normalize(budget.monthlyCostUsd)), budget.warnAtPercent);
    }

    /** The budget that judges {@code month}: the one in force, or for an earlier month its own; null when none. */
    private PlatformBudget budgetOf(YearMonth month, Instant now) {
        return LimitHistory.isEarlier(month, now) ? history.budgetOf(month) : em.find(PlatformBudget.class,
                PlatformBudget.ID);
    }

    private void evaluate(YearMonth month, BigDecimal cost, PlatformBudget budget, Instant occurredAt,
                          UUID causeEventId) {
        DimensionUsage standing = new DimensionUsage(QuotaDimension.TOTAL_COST_USD, cost,
                Decimals.normalize(budget.monthlyCostUsd));
        for (AlertType level : standing.due(budget.warnAtPercent)) {
            int threshold = level == AlertType.WARNING ? budget.warnAtPercent : 100;
            AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.PLATFORM_COST, AlertEvent.PLATFORM,
                    QuotaDimension.TOTAL_COST_USD, month.toString(), threshold, standing.used(), standing.limit(),
                    PlatformReport.alertMessage(month, level, standing), occurredAt, causeEventId);
            if (ledger.recordPlatformAlert(month.toString(), level, threshold, alert.eventId(), causeEventId, now())) {
                outbox.add(alert);
                LOG.infof("PLATFORM_COST alert: %s", alert.message());
            }
        }
    }

    /** The month's cost row, created at zero when missing, locked until the transaction ends. */
    private BigDecimal lockMonth(YearMonth month) {
        em.createNativeQuery("insert into platform_monthly_cost (month, cost_usd, updated_at) values (:month, 0, :at)"
                        + " on conflict do nothing")
                .setParameter("month", month.toString())
                .setParameter("at", now())
                .executeUpdate();
        return (BigDecimal) em.createNativeQuery("select cost_usd from platform_monthly_cost where month = :month"
                        + " for update")
                .setParameter("month", month.toString())
                .getSingleResult();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
