package io.apimeter.quota.service;

import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The unusual-activity rule on figures already summed: the last hour's requests (or cost) are more than
 * {@code factor} times the hourly average of the baseline, and at least {@code minRequests} (or
 * {@code minCostUsd}). Comparisons are exact: {@code last * baselineHours > factor * baselineSum}.
 */
public final class UnusualActivityRule {
    private final BigDecimal factor;
    private final long minRequests;
    private final BigDecimal minCostUsd;

    public UnusualActivityRule(BigDecimal factor, long minRequests, BigDecimal minCostUsd) {
        this.factor = factor;
        this.minRequests = minRequests;
        this.minCostUsd = minCostUsd;
    }

    /**
     * What was found unusual.
     *
     * @param dimension {@link QuotaDimension#TOTAL_COST_USD} when the cost was, null when only the requests were
     * @param used      the last hour's cost (USD) or requests
     * @param message   the sentence with the figures
     */
    public record Finding(QuotaDimension dimension, BigDecimal used, String message) {
    }

    /**
     * @param baselineHours hours the baseline covers (more than zero): the configured days, or fewer hours when
     *                      the customer's history is shorter
     * @param baselineDays  the configured baseline days, to name the period in the message
     */
    public Optional<Finding> evaluate(String customerId, ActivityCounters.Totals lastHour,
                                      ActivityCounters.Totals baseline, long baselineHours, int baselineDays) {
        Period period = new Period(baselineHours, baselineDays);
        BigDecimal hours = BigDecimal.valueOf(baselineHours);
        BigDecimal requests = BigDecimal.valueOf(lastHour.requests());
        boolean requestsUnusual = lastHour.requests() >= minRequests
                && requests.multiply(hours).compareTo(factor.multiply(BigDecimal.valueOf(baseline.requests()))) > 0;
        boolean costUnusual = lastHour.costUsd().compareTo(minCostUsd) >= 0
                && lastHour.costUsd().multiply(hours).compareTo(factor.multiply(baseline.costUsd())) > 0;
        if (!requestsUnusual && !costUnusual) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>(2);
        if (requestsUnusual) {
            BigDecimal average = BigDecimal.valueOf(baseline.requests()).divide(hours, 2, RoundingMode.HALF_UP);
            parts.add("made " + AlertMessages.number(requests) + " requests in the last hour, "
                    + against(requests, average, period, AlertMessages.number(average)));
        }
        if (costUnusual) {
            BigDecimal average = baseline.costUsd().divide(hours, 2, RoundingMode.HALF_UP);
            BigDecimal cost = lastHour.costUsd().setScale(2, RoundingMode.HALF_UP);
            parts.add((requestsUnusual ? "it spent " : "spent ") + AlertMessages.money(cost)
                    + (requestsUnusual ? " in that hour, " : " in the last hour, ")
                    + against(lastHour.costUsd(), average, period, AlertMessages.money(average)));
        }
        String message = customerId + " " + String.join("; ", parts);
        return Optional.of(costUnusual
                ? new Finding(QuotaDimension.TOTAL_COST_USD, Decimals.normalize(lastHour.costUsd()), message)
                : new Finding(null, requests, message));
    }

    /** How the message names the baseline: "its 7-day hourly average of 42" or "... of 0.6 over the previous 30 hours". */
    private record Period(long hours, int days) {
        String average(String averageText) {
            return hours == days * 24L
                    ? "its " + days + "-day hourly average of " + averageText
                    : "its hourly average of " + averageText + " over the previous " + hours + " hours";
        }
    }

    /** "9.8x its 7-day hourly average of 42", or "against its 7-day hourly average of 0". */
    private static String against(BigDecimal last, BigDecimal average, Period period, String averageText) {
        String tail = period.average(averageText);
        if (average.signum() == 0) {
            return "against " + tail;
        }
        return AlertMessages.number(last.divide(average, 1, RoundingMode.HALF_UP)) + "x " + tail;
    }
}
