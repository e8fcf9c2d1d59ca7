package io.apimeter.history;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.math.BigDecimal;

/**
 * One row of usage_log as the recorder stores a usage event, filled in place for every row (one object for the
 * whole run). Text columns are ASCII bytes; null means SQL null.
 */
final class Row {
    long eventIdMsb;
    long eventIdLsb;
    int customer;
    byte[] apiKeyId;
    Provider provider;
    byte[] operation;
    byte[] model;
    byte[] pricedModel;
    /** Microseconds since the epoch, UTC. */
    long occurredAt;
    /** Index of the month of {@link #occurredAt} in the timeline's months. */
    int month;
    long latencyMs;
    int httpStatus;
    Outcome outcome;
    long inputTokens;
    long outputTokens;
    long cachedInputTokens;
    long reasoningTokens;
    long characters;
    long callSeconds;
    boolean estimated;
    /** Null when unpriced. */
    BigDecimal costUsd;
    boolean unpriced;
    byte[] priceId;
    /** 0 for none (null). */
    int priceVersion;
    long recordedAt;
    /**
     * Whether the row counts as a call in monthly_usage: every request does; the report that bills a Smartflo
     * call's seconds later (operation {@code call}) adds its seconds and cost only, as aggregation-service does.
     */
    boolean countsAsCall;

    /** Zero usage: what the gateway meters for a call that used nothing. */
    void noUsage() {
        inputTokens = 0;
        outputTokens = 0;
        cachedInputTokens = 0;
        reasoningTokens = 0;
        characters = 0;
        callSeconds = 0;
        estimated = false;
    }
}
