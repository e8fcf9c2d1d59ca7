package io.apimeter.aggregation.service;

import io.apimeter.aggregation.entity.MonthlyUsage;
import java.math.BigDecimal;

/** Sums of monthly rows (several providers, or several customers). */
final class Totals {
    long calls;
    long errors;
    long inputTokens;
    long outputTokens;
    long cachedInputTokens;
    long reasoningTokens;
    long characters;
    long callSeconds;
    BigDecimal costUsd = BigDecimal.ZERO;
    long unpricedCalls;

    Totals add(MonthlyUsage row) {
        calls += row.calls;
        errors += row.errors;
        inputTokens += row.inputTokens;
        outputTokens += row.outputTokens;
        cachedInputTokens += row.cachedInputTokens;
        reasoningTokens += row.reasoningTokens;
        characters += row.characters;
        callSeconds += row.callSeconds;
        costUsd = costUsd.add(row.costUsd);
        unpricedCalls += row.unpricedCalls;
        return this;
    }

    /** Input plus output tokens: what "sort by tokens" orders by. */
    long tokens() {
        return inputTokens + outputTokens;
    }

    Summaries.ProviderTotals view() {
        return new Summaries.ProviderTotals(calls, errors, inputTokens, outputTokens, cachedInputTokens,
                reasoningTokens, characters, callSeconds, Money.format(costUsd), unpricedCalls);
    }
}
