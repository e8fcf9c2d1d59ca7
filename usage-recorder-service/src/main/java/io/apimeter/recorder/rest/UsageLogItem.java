package io.apimeter.recorder.rest;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.recorder.entity.UsageLog;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One call in the log, as the API answers it.
 *
 * @param costUsd USD as an exact decimal string, null when the call is unpriced
 */
public record UsageLogItem(
        UUID eventId,
        String customerId,
        String apiKeyId,
        Provider provider,
        String operation,
        String model,
        String pricedModel,
        Instant occurredAt,
        long latencyMs,
        int httpStatus,
        Outcome outcome,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long reasoningTokens,
        long characters,
        long callSeconds,
        boolean estimated,
        String costUsd,
        boolean unpriced,
        String priceId,
        Integer priceVersion,
        Instant recordedAt) {

    /** The column names of the CSV export, in the order of the JSON fields. */
    public static final String[] COLUMNS = {"eventId", "customerId", "apiKeyId", "provider", "operation", "model",
            "pricedModel", "occurredAt", "latencyMs", "httpStatus", "outcome", "inputTokens", "outputTokens",
            "cachedInputTokens", "reasoningTokens", "characters", "callSeconds", "estimated", "costUsd", "unpriced",
            "priceId", "priceVersion", "recordedAt"};

    public static UsageLogItem of(UsageLog row) {
        return new UsageLogItem(row.eventId, row.customerId, row.apiKeyId, row.provider, row.operation, row.model,
                row.pricedModel, row.occurredAt, row.latencyMs, row.httpStatus, row.outcome, row.inputTokens,
                row.outputTokens, row.cachedInputTokens, row.reasoningTokens, row.characters, row.callSeconds,
                row.estimated, money(row.costUsd), row.unpriced, row.priceId, row.priceVersion, row.recordedAt);
    }

    /**
     * The values of the CSV row, matching {@link #COLUMNS}; null for an empty cell. Numbers stay numbers (the cost
     * too), so that only text cells are guarded against being read as formulas.
     */
    public Object[] csvValues() {
        return new Object[] {eventId, customerId, apiKeyId, provider, operation, model, pricedModel, occurredAt,
                latencyMs, httpStatus, outcome, inputTokens, outputTokens, cachedInputTokens, reasoningTokens,
                characters, callSeconds, estimated, costUsd == null ? null : new BigDecimal(costUsd), unpriced,
                priceId, priceVersion, recordedAt};
    }

    /** Exact decimal text without exponent or trailing zeros ("0.057", never "5.7E-2"). */
    static String money(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }
}
