package io.apimeter.events;

/** What a quota limits, per customer and calendar month (requests per minute: per minute). */
public enum QuotaDimension {
    OPENAI_TOKENS,
    ELEVENLABS_CHARACTERS,
    SMARTFLO_MINUTES,
    TOTAL_COST_USD,
    REQUESTS_PER_MINUTE
}
