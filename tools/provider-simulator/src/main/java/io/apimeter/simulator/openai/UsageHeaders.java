package io.apimeter.simulator.openai;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.InvalidRequestException;
import io.apimeter.simulator.http.SimHeaders;
import java.util.OptionalLong;

/**
 * The usage the caller chose with {@code x-sim-*-tokens} headers; each one absent means "derive it".
 *
 * @param promptTokens     {@code x-sim-prompt-tokens}: prompt (input) tokens
 * @param completionTokens {@code x-sim-completion-tokens}: completion (output) tokens
 * @param cachedTokens     {@code x-sim-cached-tokens}: cached prompt tokens
 * @param reasoningTokens  {@code x-sim-reasoning-tokens}: reasoning tokens, part of the completion tokens
 */
record UsageHeaders(OptionalLong promptTokens, OptionalLong completionTokens, OptionalLong cachedTokens,
                    OptionalLong reasoningTokens) {

    static UsageHeaders read(Exchange exchange) {
        return new UsageHeaders(
                SimHeaders.nonNegativeLong(exchange, SimHeaders.PROMPT_TOKENS),
                SimHeaders.nonNegativeLong(exchange, SimHeaders.COMPLETION_TOKENS),
                SimHeaders.nonNegativeLong(exchange, SimHeaders.CACHED_TOKENS),
                SimHeaders.nonNegativeLong(exchange, SimHeaders.REASONING_TOKENS));
    }

    /** Prompt + completion tokens, or a 400 when the headers ask for more than a long holds. */
    static long total(long promptTokens, long completionTokens) {
        try {
            return Math.addExact(promptTokens, completionTokens);
        } catch (ArithmeticException e) {
            throw new InvalidRequestException("Invalid headers " + SimHeaders.PROMPT_TOKENS + " and "
                    + SimHeaders.COMPLETION_TOKENS + ": their sum is too large.");
        }
    }

    /** The completion tokens named in the header, else min(the request's maximum, the default). */
    long completionTokensOr(OptionalLong maxOutputTokens, long defaultTokens) {
        return completionTokens.orElseGet(() -> Math.min(maxOutputTokens.orElse(defaultTokens), defaultTokens));
    }
}
