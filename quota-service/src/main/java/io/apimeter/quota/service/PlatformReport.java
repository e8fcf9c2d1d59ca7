package io.apimeter.quota.service;

import io.apimeter.events.AlertType;
import java.time.YearMonth;

/**
 * The platform's cost of one month against its monthly budget.
 *
 * @param cost          cost (USD) against the budget (null when there is none)
 * @param warnAtPercent the budget's warning percent
 */
public record PlatformReport(YearMonth month, DimensionUsage cost, int warnAtPercent) {

    /** "$8,240.50 of $10,000 platform budget used (82.41%)", or "$1,234.10 spent (no platform budget)". */
    public String summary() {
        if (cost.limit() == null) {
            return StatusSummary.money(cost.used()) + " spent in " + month + " (no platform budget)";
        }
        String percent = cost.percent() == null ? "" : " (" + StatusSummary.percent(cost.percent()) + ")";
        return StatusSummary.money(cost.used()) + " of " + StatusSummary.money(cost.limit())
                + " platform budget used in " + month + percent;
    }

    static String alertMessage(YearMonth month, AlertType level, DimensionUsage cost) {
        String amounts = "(" + AlertMessages.amounts(cost.dimension(), cost.used(), cost.limit()) + ")";
        if (level == AlertType.EXCEEDED) {
            return cost.percent() == null
                    ? "The platform's cost for " + month + " has exceeded its monthly budget " + amounts
                    : "The platform's cost for " + month + " has exceeded its monthly budget: "
                    + AlertMessages.number(cost.percent()) + "% used " + amounts;
        }
        return "The platform's cost for " + month + " has reached " + AlertMessages.number(cost.percent())
                + "% of its monthly budget " + amounts;
    }
}
