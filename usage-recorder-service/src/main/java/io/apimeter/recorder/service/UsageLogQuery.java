package io.apimeter.recorder.service;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A search of the call log as SQL that reads only index ranges, whatever the filter, newest first.
 *
 * <p>Every index of usage_log (migration V3) ends in {@code (occurred_at desc, event_id desc)}, the order of the
 * log, after the equality columns a filter can fix: the customer, the model (as sent, or as priced where that
 * differs), then the provider and the outcome. A criterion left open that sits before the order in the index is
 * enumerated instead: a search for a model reads one range of that model's index for each provider and outcome
 * (3 × 6 of them, twice: as sent and as priced). For a page, each range stops at the page size and the newest rows
 * of all of them are kept (a lateral join, planned once whatever the number of ranges); for an export, the ranges
 * are merged as they are read (Merge Append). So a rare or contradictory combination (ElevenLabs calls of model
 * gpt-4o) ends after a few index probes instead of scanning months for rows that are not there, and a deep page,
 * which starts after the cursor's row in every range, costs what the first one does.
 */
final class UsageLogQuery {
    private static final String ORDER = " order by occurred_at desc, event_id desc";
    private static final String COLUMNS = "select * from usage_log";

    /** SQL with {@code ?} placeholders, and their values in order. */
    record Sql(String text, List<Object> values) {
    }

    private UsageLogQuery() {
    }

    /** The first {@code rows} rows of the filter (its own limit aside). */
    static Sql page(UsageLogFilter filter, int rows) {
        Search search = Search.of(filter);
        if (search.keys().isEmpty()) {
            List<Object> values = new ArrayList<>(search.rangeValues());
            values.add(rows);
            return new Sql(COLUMNS + where(search.range()) + ORDER + " limit ?", values);
        }
        // One short read per enumerated (provider, outcome) pair, each newest first and stopping at the page size,
        // then the newest of them all: planned once, whatever the number of pairs, and at most pairs x page rows.
        String pairs = search.pairs().stream().map(pair -> "('" + pair.provider().name() + "', '"
                + pair.outcome().name() + "')").collect(Collectors.joining(", "));
        List<String> parts = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (Key key : search.keys()) {
            List<String> conditions = new ArrayList<>(key.conditions());
            conditions.add("provider = pair.provider");
            conditions.add("outcome = pair.outcome");
            conditions.addAll(search.range());
            parts.add("select calls.* from (values " + pairs + ") as pair (provider, outcome) cross join lateral ("
                    + COLUMNS + where(conditions) + ORDER + " limit ?) as calls");
            values.addAll(key.values());
            values.addAll(search.rangeValues());
            values.add(rows);
        }
        values.add(rows);
        return new Sql("select * from (" + String.join(" union all ", parts) + ") as calls" + ORDER + " limit ?",
                values);
    }

    /** Every row of the filter (its limit aside), newest first: the index ranges merged as they are read. */
    static Sql all(UsageLogFilter filter) {
        Search search = Search.of(filter);
        if (search.keys().isEmpty()) {
            return new Sql(COLUMNS + where(search.range()) + ORDER, search.rangeValues());
        }
        List<String> parts = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (Key key : search.keys()) {
            for (Pair pair : search.pairs()) {
                List<String> conditions = new ArrayList<>(key.conditions());
                conditions.add("provider = ?");
                conditions.add("outcome = ?");
                conditions.addAll(search.range());
                parts.add("(" + COLUMNS + where(conditions) + ORDER + ")");
                values.addAll(key.values());
                values.add(pair.provider().name());
                values.add(pair.outcome().name());
                values.addAll(search.rangeValues());
            }
        }
        return new Sql("select * from (" + String.join(" union all ", parts) + ") as calls" + ORDER, values);
    }

    /** The equality columns that lead an index: customer and/or model, or none (the provider and outcome index). */
    private record Key(List<String> conditions, List<Object> values) {
    }

    private record Pair(Provider provider, Outcome outcome) {
    }

    /**
     * A filter taken apart: the time range and cursor, which every index range gets; the leading keys, none when
     * the filter fixes only time (the log's own order index then serves it); and the provider and outcome pairs to
     * read for each key.
     */
    private record Search(List<String> range, List<Object> rangeValues, List<Key> keys, List<Pair> pairs) {
        static Search of(UsageLogFilter filter) {
            List<String> range = new ArrayList<>();
            List<Object> rangeValues = new ArrayList<>();
            if (filter.from() != null) {
                range.add("occurred_at >= ?");
                rangeValues.add(filter.from().atOffset(ZoneOffset.UTC));
            }
            if (filter.to() != null) {
                range.add("occurred_at < ?");
                rangeValues.add(filter.to().atOffset(ZoneOffset.UTC));
            }
            if (filter.after() != null) {
                // A row comparison starts the index range right after the cursor's row; the plain bound lets
                // PostgreSQL leave out the months after the cursor (it cannot prune on a row comparison).
                range.add("occurred_at <= ?");
                rangeValues.add(filter.after().occurredAt().atOffset(ZoneOffset.UTC));
                range.add("(occurred_at, event_id) < (?, ?)");
                rangeValues.add(filter.after().occurredAt().atOffset(ZoneOffset.UTC));
                rangeValues.add(filter.after().eventId());
            }
            if (filter.customerId() == null && filter.model() == null && filter.provider() == null
                    && filter.outcome() == null) {
                return new Search(List.copyOf(range), List.copyOf(rangeValues), List.of(), List.of());
            }
            List<String> customer = filter.customerId() == null ? List.of() : List.of("customer_id = ?");
            List<Object> customerValue = filter.customerId() == null ? List.of() : List.of(filter.customerId());
            List<Key> keys = new ArrayList<>();
            if (filter.model() == null) {
                keys.add(new Key(customer, customerValue));
            } else {
                // The model as sent, or as priced where the priced model differs: no row is in both.
                keys.add(new Key(concat(customer, List.of("model = ?")), concat(customerValue, List.of(filter.model()))));
                keys.add(new Key(concat(customer, List.of("nullif(priced_model, model) = ?",
                        "priced_model is distinct from model")), concat(customerValue, List.of(filter.model()))));
            }
            List<Pair> pairs = new ArrayList<>();
            for (Provider provider : filter.provider() == null ? Provider.values() : new Provider[] {filter.provider()}) {
                for (Outcome outcome : filter.outcome() == null ? Outcome.values() : new Outcome[] {filter.outcome()}) {
                    pairs.add(new Pair(provider, outcome));
                }
            }
            return new Search(List.copyOf(range), List.copyOf(rangeValues), List.copyOf(keys), List.copyOf(pairs));
        }
    }

    private static String where(List<String> conditions) {
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
