package io.apimeter.quota.rest;

import io.apimeter.quota.entity.PlatformBudget;
import io.apimeter.quota.service.Decimals;
import java.time.Instant;

/**
 * The platform's monthly cost budget.
 *
 * @param monthlyCostUsd decimal string; null when there is no budget
 * @param updatedAt      null when no budget was ever set
 */
public record PlatformBudgetView(String monthlyCostUsd, int warnAtPercent, Instant updatedAt) {

    static PlatformBudgetView of(PlatformBudget budget) {
        return new PlatformBudgetView(Decimals.plain(budget.monthlyCostUsd), budget.warnAtPercent, budget.updatedAt);
    }
}
