package io.apimeter.quota.rest;

import io.apimeter.quota.service.Decimals;
import io.apimeter.quota.service.DimensionUsage;
import io.apimeter.quota.service.MonthlyReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A customer's month against its limits (an earlier month against the limits it had when it ended); decimals as
 * strings.
 *
 * @param costUsd          the month's cost so far (same as {@code costSoFarUsd})
 * @param blocked          whether the gateway rejects the customer's calls now: enforcement BLOCK and a monthly
 *                         dimension with used >= limit (a limit of zero included) in the current month (always false
 *                         for other months)
 * @param rateLimitedUntil end of the current minute while requests per minute are enforced and over the limit
 * @param summary          the sentence a person reads, e.g. "62% of token limit used, $18.60 of $200 budget used"
 * @param dimensions       the four monthly dimensions, then requests per minute when it is limited and the month
 *                         is the current one
 */
public record QuotaStatusView(
        String customerId,
        String month,
        String enforcement,
        int warnAtPercent,
        String costUsd,
        String costSoFarUsd,
        long calls,
        boolean blocked,
        Instant rateLimitedUntil,
        String summary,
        List<Dimension> dimensions) {

    /**
     * @param unit          tokens, characters, minutes, USD or requests/minute
     * @param used          usage in the dimension's unit (requests in the current minute for requests per minute)
     * @param limit         null when unlimited
     * @param percent       used / limit * 100 rounded <b>down</b> to two decimals, so that "100.00" means the limit is
     *                      reached (499,999 of 500,000 is "99.99"); "100.00" for a limit of zero, reached from the
     *                      start (used >= limit, as the gateway blocks); null when unlimited
     * @param warnAtPercent the percent at which the dimension is in WARNING
     * @param state         OK, WARNING or EXCEEDED
     * @param exceeded      whether usage is at or above the limit, a limit of zero always (above it for requests
     *                      per minute)
     */
    public record Dimension(
            String dimension,
            String unit,
            String used,
            String limit,
            String percent,
            String enforcement,
            int warnAtPercent,
            String state,
            boolean exceeded) {
    }

    static QuotaStatusView of(MonthlyReport report) {
        List<Dimension> dimensions = new ArrayList<>(report.dimensions().stream().map(d -> dimension(d, report)).toList());
        if (report.perMinute() != null) {
            dimensions.add(dimension(report.perMinute(), report));
        }
        String cost = Decimals.plain(report.costUsd());
        return new QuotaStatusView(report.customerId(), report.month().toString(), report.enforcement().name(),
                report.warnAtPercent(), cost, cost, report.calls(), report.blocked(), report.rateLimitedUntil(),
                report.summary(), List.copyOf(dimensions));
    }

    private static Dimension dimension(DimensionUsage usage, MonthlyReport report) {
        return new Dimension(usage.dimension().name(), usage.unit(), Decimals.plain(usage.used()),
                Decimals.plain(usage.limit()), usage.percent() == null ? null : usage.percent().toPlainString(),
                report.enforcement().name(), report.warnAtPercent(), usage.state(report.warnAtPercent()).name(),
                usage.exceeded());
    }
}
