package io.apimeter.quota.rest;

import io.apimeter.quota.service.Decimals;
import io.apimeter.quota.service.DimensionUsage;
import io.apimeter.quota.service.MonthlyReport;
import java.util.List;

/** A customer's month against its limits; decimals as strings. */
public record QuotaStatusView(
        String customerId,
        String month,
        String costUsd,
        long calls,
        List<Dimension> dimensions) {

    /**
     * @param used     usage in the dimension's unit (tokens, characters, minutes, USD)
     * @param limit    null when unlimited
     * @param percent  used / limit * 100, two decimals; null when unlimited or the limit is zero
     * @param exceeded whether usage is at or above the limit
     */
    public record Dimension(
            String dimension,
            String used,
            String limit,
            String percent,
            String enforcement,
            boolean exceeded) {
    }

    static QuotaStatusView of(MonthlyReport report) {
        List<Dimension> dimensions = report.dimensions().stream().map(d -> dimension(d, report)).toList();
        return new QuotaStatusView(report.customerId(), report.month().toString(), Decimals.plain(report.costUsd()),
                report.calls(), dimensions);
    }

    private static Dimension dimension(DimensionUsage usage, MonthlyReport report) {
        return new Dimension(usage.dimension().name(), Decimals.plain(usage.used()), Decimals.plain(usage.limit()),
                usage.percent() == null ? null : usage.percent().toPlainString(), report.enforcement().name(),
                usage.exceeded());
    }
}
