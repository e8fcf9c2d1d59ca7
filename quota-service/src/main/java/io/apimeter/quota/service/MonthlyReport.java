package io.apimeter.quota.service;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.List;

/**
 * A customer's month against its limits.
 *
 * @param enforcement the quota's enforcement, {@link Enforcement#ALERT_ONLY} when the customer has no quota
 */
public record MonthlyReport(
        String customerId,
        YearMonth month,
        BigDecimal costUsd,
        long calls,
        List<DimensionUsage> dimensions,
        Enforcement enforcement) {
}
