package io.apimeter.history;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.nio.charset.StandardCharsets;

/**
 * Writes rows of usage_log as COPY text into chunks, handing each full chunk on; and adds each row to the
 * monthly totals on the way, so the totals are the sums of exactly the rows written.
 */
final class UsageLogRows implements CallHistory.RowSink {
    /** The columns in the order written; every column of usage_log. */
    static final String COLUMNS = "event_id, customer_id, api_key_id, provider, operation, model, priced_model, "
            + "occurred_at, latency_ms, http_status, outcome, input_tokens, output_tokens, cached_input_tokens, "
            + "reasoning_tokens, characters, call_seconds, estimated, cost_usd, unpriced, price_id, price_version, "
            + "recorded_at";
    /** Far more than the longest row (ids of 64 characters, an amount of 30 digits). */
    private static final int MAX_ROW_BYTES = 1024;
    private static final byte[][] PROVIDERS = names(Provider.values());
    private static final byte[][] OUTCOMES = names(Outcome.values());

    /** Where full chunks go; gives back an empty one. */
    interface Handoff {
        Chunk exchange(Chunk full) throws InterruptedException;

        void finish(Chunk last) throws InterruptedException;
    }

    private final Customers customers;
    private final MonthlyTotals totals;
    private final Handoff handoff;
    private final CopyText text;

    UsageLogRows(Customers customers, MonthlyTotals totals, Handoff handoff, Chunk first) {
        this.customers = customers;
        this.totals = totals;
        this.handoff = handoff;
        this.text = new CopyText(first);
    }

    @Override
    public void accept(Row row) throws InterruptedException {
        if (text.chunk().remaining() < MAX_ROW_BYTES) {
            text.use(handoff.exchange(text.chunk()));
        }
        text.uuid(row.eventIdMsb, row.eventIdLsb)
                .bytes(customers.idBytes(row.customer))
                .bytes(row.apiKeyId)
                .bytes(PROVIDERS[row.provider.ordinal()])
                .bytes(row.operation)
                .bytes(row.model)
                .bytes(row.pricedModel)
                .timestamp(row.occurredAt)
                .number(row.latencyMs)
                .number(row.httpStatus)
                .bytes(OUTCOMES[row.outcome.ordinal()])
                .number(row.inputTokens)
                .number(row.outputTokens)
                .number(row.cachedInputTokens)
                .number(row.reasoningTokens)
                .number(row.characters)
                .number(row.callSeconds)
                .bool(row.estimated)
                .text(row.costUsd == null ? null : row.costUsd.toPlainString())
                .bool(row.unpriced)
                .bytes(row.priceId)
                .numberOrNull(row.priceVersion)
                .timestamp(row.recordedAt)
                .endRow();
        totals.add(row);
    }

    /** Hands on the last chunk, however full, and says there is no more. */
    void finish() throws InterruptedException {
        handoff.finish(text.chunk());
    }

    private static byte[][] names(Enum<?>[] values) {
        byte[][] names = new byte[values.length][];
        for (Enum<?> value : values) {
            names[value.ordinal()] = value.name().getBytes(StandardCharsets.US_ASCII);
        }
        return names;
    }
}
