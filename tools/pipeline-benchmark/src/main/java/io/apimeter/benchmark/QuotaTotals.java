package io.apimeter.benchmark;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What quota-service's monthly_usage adds up to: OpenAI tokens (input plus output), ElevenLabs characters,
 * Smartflo seconds, cost and calls, whatever the outcome of the call.
 */
record QuotaTotals(long openaiTokens, long elevenlabsCharacters, long smartfloSeconds, BigDecimal cost, long calls) {

    QuotaTotals {
        cost = cost == null ? BigDecimal.ZERO : cost;
    }

    /** Each difference to {@code actual} as one line; empty when equal. */
    List<String> differences(QuotaTotals actual, String where) {
        List<String> lines = new ArrayList<>();
        ProviderTotals.compare(lines, where, "openai_tokens", openaiTokens, actual.openaiTokens);
        ProviderTotals.compare(lines, where, "elevenlabs_characters", elevenlabsCharacters, actual.elevenlabsCharacters);
        ProviderTotals.compare(lines, where, "smartflo_seconds", smartfloSeconds, actual.smartfloSeconds);
        if (cost.compareTo(actual.cost) != 0) {
            lines.add(where + " cost_usd: expected " + cost.toPlainString() + ", found " + actual.cost.toPlainString());
        }
        ProviderTotals.compare(lines, where, "calls", calls, actual.calls);
        return lines;
    }
}
