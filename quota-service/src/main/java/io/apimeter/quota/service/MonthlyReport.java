package io.apimeter.quota.service;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

/**
 * A customer's month against its limits.
 *
 * @param dimensions       the four monthly dimensions, always
 * @param perMinute        requests in the current UTC minute against the requests-per-minute limit; null when
 *                         unlimited or when the month is not the current one
 * @param enforcement      the quota's enforcement, {@link Enforcement#ALERT_ONLY} when the customer has no quota
 * @param blocked          whether the gateway rejects the customer's calls now (current month only)
 * @param rateLimitedUntil end of the current minute when requests per minute are enforced and over the limit
 */
public record MonthlyReport(
        String customerId,
        YearMonth month,
        BigDecimal costUsd,
        long calls,
        List<DimensionUsage> dimensions,
        DimensionUsage perMinute,
        Enforcement enforcement,
        int warnAtPercent,
        boolean blocked,
        Instant rateLimitedUntil) {

    public String summary() {
        return StatusSummary.of(this);
    }
}
