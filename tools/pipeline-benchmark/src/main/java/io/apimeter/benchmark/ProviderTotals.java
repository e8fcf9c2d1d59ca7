package io.apimeter.benchmark;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What the calls of one provider add up to: the columns that usage_log sums to and that aggregation-service
 * keeps in its monthly_usage. Money is compared by value ({@code 1.50 = 1.5}): the databases keep their own scale.
 */
record ProviderTotals(long calls, long errors, long inputTokens, long outputTokens, long cachedInputTokens,
                      long reasoningTokens, long characters, long callSeconds, BigDecimal cost) {

    static final ProviderTotals ZERO = new ProviderTotals(0, 0, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO);

    ProviderTotals {
        cost = cost == null ? BigDecimal.ZERO : cost;
    }

    /** Each difference to {@code actual} as one line, {@code <where> <column>: expected X, found Y}; empty when equal. */
    List<String> differences(ProviderTotals actual, String where) {
        List<String> lines = new ArrayList<>();
        compare(lines, where, "calls", calls, actual.calls);
        compare(lines, where, "errors", errors, actual.errors);
        compare(lines, where, "input_tokens", inputTokens, actual.inputTokens);
        compare(lines, where, "output_tokens", outputTokens, actual.outputTokens);
        compare(lines, where, "cached_input_tokens", cachedInputTokens, actual.cachedInputTokens);
        compare(lines, where, "reasoning_tokens", reasoningTokens, actual.reasoningTokens);
        compare(lines, where, "characters", characters, actual.characters);
        compare(lines, where, "call_seconds", callSeconds, actual.callSeconds);
        if (cost.compareTo(actual.cost) != 0) {
            lines.add(where + " cost_usd: expected " + cost.toPlainString() + ", found " + actual.cost.toPlainString());
        }
        return lines;
    }

    static void compare(List<String> lines, String where, String column, long expected, long actual) {
        if (expected != actual) {
            lines.add(where + " " + column + ": expected " + expected + ", found " + actual);
        }
    }
}
