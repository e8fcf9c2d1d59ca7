package io.apimeter.history;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.List;

/**
 * The sums aggregation-service keeps per month, customer and provider, added up from exactly the rows written to
 * usage_log, the way it adds usage events ({@code Totals#add} there): every row adds its quantities and cost (an
 * unpriced one adds none); only a row that counts as a call adds to calls, errors (outcome not SUCCESS) and
 * unpriced calls. Also the counts the run's summary prints.
 */
final class MonthlyTotals {
    /** The columns in the order written; every column of monthly_usage. */
    static final String COLUMNS = "month, customer_id, provider, calls, errors, input_tokens, output_tokens, "
            + "cached_input_tokens, reasoning_tokens, characters, call_seconds, cost_usd, unpriced_calls, updated_at";
    private static final int PROVIDERS = Provider.values().length;

    /** One row of monthly_usage. */
    static final class Totals {
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
        /** updated_at: when aggregation-service would have added the last of these rows, i.e. its recorded_at. */
        long updatedAt = Long.MIN_VALUE;
    }

    private final List<YearMonth> months;
    /** Per customer, per month and provider ({@code month * PROVIDERS + provider}); made when first needed. */
    private final Totals[][] byCustomer;
    private final long[] rowsByCustomer;
    private final long[] rowsByProvider = new long[PROVIDERS];
    private final long[] rowsByMonth;
    private final long[] outcomes = new long[Outcome.values().length];
    private long calls;
    private long unpricedCalls;
    private long keys;

    MonthlyTotals(int customers, List<YearMonth> months) {
        this.months = List.copyOf(months);
        this.byCustomer = new Totals[customers][];
        this.rowsByCustomer = new long[customers];
        this.rowsByMonth = new long[months.size()];
    }

    void add(Row row) {
        Totals[] ofCustomer = byCustomer[row.customer];
        if (ofCustomer == null) {
            ofCustomer = new Totals[months.size() * PROVIDERS];
            byCustomer[row.customer] = ofCustomer;
        }
        int index = row.month * PROVIDERS + row.provider.ordinal();
        Totals t = ofCustomer[index];
        if (t == null) {
            t = new Totals();
            ofCustomer[index] = t;
            keys++;
        }
        if (row.countsAsCall) {
            t.calls++;
            calls++;
            if (row.outcome.isError()) {
                t.errors++;
            }
            if (row.unpriced) {
                t.unpricedCalls++;
                unpricedCalls++;
            }
            outcomes[row.outcome.ordinal()]++;
        }
        t.inputTokens += row.inputTokens;
        t.outputTokens += row.outputTokens;
        t.cachedInputTokens += row.cachedInputTokens;
        t.reasoningTokens += row.reasoningTokens;
        t.characters += row.characters;
        t.callSeconds += row.callSeconds;
        if (row.costUsd != null) {
            t.costUsd = t.costUsd.add(row.costUsd);
        }
        t.updatedAt = Math.max(t.updatedAt, row.recordedAt);
        rowsByCustomer[row.customer]++;
        rowsByProvider[row.provider.ordinal()]++;
        rowsByMonth[row.month]++;
    }

    /** Where the COPY text of monthly_usage goes, a chunk at a time (the chunk is cleared and used again). */
    interface Output {
        void write(Chunk chunk) throws SQLException;
    }

    /** Writes every row of monthly_usage as COPY text, by customer, month and provider. */
    void writeCopyText(Customers customers, Output out) throws SQLException {
        Chunk chunk = new Chunk(1 << 20);
        CopyText text = new CopyText(chunk);
        byte[][] monthNames = new byte[months.size()][];
        for (int m = 0; m < months.size(); m++) {
            monthNames[m] = months.get(m).toString().getBytes(StandardCharsets.US_ASCII);
        }
        Provider[] providers = Provider.values();
        for (int customer = 0; customer < byCustomer.length; customer++) {
            Totals[] ofCustomer = byCustomer[customer];
            if (ofCustomer == null) {
                continue;
            }
            for (int index = 0; index < ofCustomer.length; index++) {
                Totals t = ofCustomer[index];
                if (t == null) {
                    continue;
                }
                if (chunk.remaining() < 4096) {
                    out.write(chunk);
                    chunk.clear();
                }
                text.bytes(monthNames[index / PROVIDERS])
                        .bytes(customers.idBytes(customer))
                        .text(providers[index % PROVIDERS].name())
                        .number(t.calls)
                        .number(t.errors)
                        .number(t.inputTokens)
                        .number(t.outputTokens)
                        .number(t.cachedInputTokens)
                        .number(t.reasoningTokens)
                        .number(t.characters)
                        .number(t.callSeconds)
                        .text(t.costUsd.toPlainString())
                        .number(t.unpricedCalls)
                        .timestamp(t.updatedAt)
                        .endRow();
            }
        }
        if (chunk.length > 0) {
            out.write(chunk);
            chunk.clear();
        }
    }

    /** Rows of monthly_usage. */
    long keys() {
        return keys;
    }

    long rowsOf(int customer) {
        return rowsByCustomer[customer];
    }

    long rowsOf(Provider provider) {
        return rowsByProvider[provider.ordinal()];
    }

    long rowsOfMonth(int month) {
        return rowsByMonth[month];
    }

    /** Rows that count as calls (all but the reports of Smartflo's billed seconds). */
    long calls() {
        return calls;
    }

    long calls(Outcome outcome) {
        return outcomes[outcome.ordinal()];
    }

    long unpricedCalls() {
        return unpricedCalls;
    }

    /** The sum of every row's cost, for the summary. */
    BigDecimal totalCost() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Totals[] ofCustomer : byCustomer) {
            if (ofCustomer != null) {
                for (Totals t : ofCustomer) {
                    if (t != null) {
                        sum = sum.add(t.costUsd);
                    }
                }
            }
        }
        return sum;
    }
}
