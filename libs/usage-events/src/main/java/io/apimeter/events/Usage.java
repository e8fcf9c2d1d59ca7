package io.apimeter.events;

/**
 * Billed quantities of one call. Quantities a provider does not bill in are zero. Never negative, except in an
 * adjustment ({@link UsageKind#ADJUSTMENT}), which carries the difference to the usage billed before.
 *
 * @param inputTokens       prompt tokens (OpenAI)
 * @param outputTokens      completion tokens (OpenAI)
 * @param cachedInputTokens part of the input tokens served from the provider's cache, where reported
 * @param reasoningTokens   part of the output tokens spent on reasoning, where reported
 * @param characters        characters converted (ElevenLabs)
 * @param callSeconds       billed seconds of call time (Smartflo)
 * @param estimated         true when the quantities were counted by the gateway, not reported by the provider
 */
public record Usage(
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long reasoningTokens,
        long characters,
        long callSeconds,
        boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, false);

    public static Usage tokens(long input, long output) {
        return new Usage(input, output, 0, 0, 0, 0, false);
    }

    /** Input plus output tokens: what an OpenAI token quota counts. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    void validate(boolean mayBeNegative) {
        if (mayBeNegative) {
            return;
        }
        if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || reasoningTokens < 0
                || characters < 0 || callSeconds < 0) {
            throw new EventFormatException("usage quantities must not be negative (only in an ADJUSTMENT)");
        }
    }
}
