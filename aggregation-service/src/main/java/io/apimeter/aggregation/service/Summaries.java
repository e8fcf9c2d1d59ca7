package io.apimeter.aggregation.service;

import io.apimeter.events.Provider;
import java.util.List;
import java.util.Map;

/** What the summary API answers. Money is an exact decimal string, percentages keep two decimals. */
public final class Summaries {
    private Summaries() {
    }

    /** One customer's (or one provider's) quantities in a month. */
    public record ProviderTotals(
            long calls,
            long errors,
            long inputTokens,
            long outputTokens,
            long cachedInputTokens,
            long reasoningTokens,
            long characters,
            long callSeconds,
            String costUsd,
            long unpricedCalls) {
    }

    /** One row of the month's list: a customer that used the platform that month. */
    public record CustomerSummary(
            String customerId,
            long calls,
            long errors,
            long inputTokens,
            long outputTokens,
            long cachedInputTokens,
            long reasoningTokens,
            long characters,
            long callSeconds,
            String costUsd,
            long unpricedCalls,
            String previousMonthCostUsd,
            String costChangePercent,
            Map<Provider, ProviderTotals> providers) {
    }

    /** The platform's totals of the month, against the month before. */
    public record PlatformTotals(
            long calls,
            long errors,
            String costUsd,
            String previousMonthCostUsd,
            String costChangePercent) {
    }

    /**
     * A page of the month's customers: {@code items} are {@code limit} (or fewer) of the {@code customerCount}
     * customers with calls in the month, from {@code offset} on; {@code totals} are over all of them.
     */
    public record MonthSummary(String month, long customerCount, int offset, int limit, List<CustomerSummary> items,
                               PlatformTotals totals) {
    }

    /** One month of a customer's history. */
    public record MonthTotals(
            String month,
            long calls,
            long errors,
            long inputTokens,
            long outputTokens,
            long cachedInputTokens,
            long reasoningTokens,
            long characters,
            long callSeconds,
            String costUsd,
            long unpricedCalls,
            Map<Provider, ProviderTotals> providers) {
    }

    public record CustomerHistory(String customerId, List<MonthTotals> items) {
    }
}
