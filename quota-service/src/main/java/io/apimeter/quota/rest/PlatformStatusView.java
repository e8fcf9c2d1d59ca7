package io.apimeter.quota.rest;

import io.apimeter.quota.service.Decimals;
import io.apimeter.quota.service.PlatformReport;

/**
 * The platform's cost of a month against its budget: the one in force, or for an earlier month the one it had when
 * it ended.
 *
 * @param costUsd   all customers' cost of the month, decimal string
 * @param budgetUsd the monthly budget, null when there is none
 * @param percent   cost / budget * 100 rounded down to two decimals (100.00 only once the budget is reached); null
 *                  without a budget
 * @param state     OK, WARNING (at or above warnAtPercent) or EXCEEDED (at or above 100%)
 * @param summary   e.g. "$8,240.50 of $10,000 platform budget used in 2026-11 (82.41%)"
 */
public record PlatformStatusView(String month, String costUsd, String budgetUsd, String percent, int warnAtPercent,
                                 String state, String summary) {

    static PlatformStatusView of(PlatformReport report) {
        return new PlatformStatusView(report.month().toString(), Decimals.plain(report.cost().used()),
                Decimals.plain(report.cost().limit()),
                report.cost().percent() == null ? null : report.cost().percent().toPlainString(),
                report.warnAtPercent(), report.cost().state(report.warnAtPercent()).name(), report.summary());
    }
}
