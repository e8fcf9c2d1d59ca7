package io.apimeter.aggregation.service;

import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;

/** Sums of monthly rows (several providers, or several customers), or of a batch's calls. */
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

    Totals add(Totals row) {
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

    /**
     * Adds one event; an unpriced call adds no cost (the gateway could not price it) and is counted instead. Only a
     * request counts as a call (and an error, or an unpriced call): a call's later report or adjustment (its billed
     * seconds, their correction, which may be negative) adds its quantities and cost only.
     */
    Totals add(UsageEvent event) {
        boolean call = event.countsAsCall();
        calls += call ? 1 : 0;
        errors += call && event.outcome().isError() ? 1 : 0;
        inputTokens += event.usage().inputTokens();
        outputTokens += event.usage().outputTokens();
        cachedInputTokens += event.usage().cachedInputTokens();
        reasoningTokens += event.usage().reasoningTokens();
        characters += event.usage().characters();
        callSeconds += event.usage().callSeconds();
        costUsd = costUsd.add(event.cost().amountOrZero());
        unpricedCalls += call && event.cost().unpriced() ? 1 : 0;
        return this;
    }

    Summaries.ProviderTotals view() {
        return new Summaries.ProviderTotals(calls, errors, inputTokens, outputTokens, cachedInputTokens,
                reasoningTokens, characters, callSeconds, Money.format(costUsd), unpricedCalls);
    }
}
