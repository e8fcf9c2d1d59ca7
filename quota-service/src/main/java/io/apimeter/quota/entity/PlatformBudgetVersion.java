package io.apimeter.quota.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The platform's monthly budget as it was set at {@code validFrom} (a null amount: no budget), kept so that a
 * month is judged against the budget it had. Written by every budget change; never changed afterwards.
 */
@Entity
@Table(name = "platform_budget_version")
public class PlatformBudgetVersion {
    @Id
    @Column(name = "valid_from")
    public Instant validFrom;

    @Column(name = "monthly_cost_usd")
    public BigDecimal monthlyCostUsd;

    @Column(name = "warn_at_percent")
    public int warnAtPercent;

    public static PlatformBudgetVersion of(PlatformBudget budget, Instant validFrom) {
        PlatformBudgetVersion version = new PlatformBudgetVersion();
        version.validFrom = validFrom;
        version.monthlyCostUsd = budget.monthlyCostUsd;
        version.warnAtPercent = budget.warnAtPercent;
        return version;
    }

    /** This budget as one to judge a month by; not managed, never to be saved. */
    public PlatformBudget toBudget() {
        PlatformBudget budget = new PlatformBudget();
        budget.id = PlatformBudget.ID;
        budget.monthlyCostUsd = monthlyCostUsd;
        budget.warnAtPercent = warnAtPercent;
        budget.updatedAt = validFrom;
        return budget;
    }
}
