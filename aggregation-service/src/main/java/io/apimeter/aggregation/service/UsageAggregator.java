package io.apimeter.aggregation.service;

import io.apimeter.common.messaging.ProcessedEvents;
import io.apimeter.events.Months;
import io.apimeter.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.Session;

/** Adds usage events to the monthly totals, exactly once per event id. */
@ApplicationScoped
@Transactional
public class UsageAggregator {
    private static final String[] QUANTITIES = {"calls", "errors", "input_tokens", "output_tokens",
        "cached_input_tokens", "reasoning_tokens", "characters", "call_seconds", "cost_usd", "unpriced_calls"};
    private static final String[] QUANTITY_TYPES = {"int8", "int8", "int8", "int8", "int8", "int8", "int8", "int8",
        "numeric", "int8"};
    // One statement for every month, customer and provider of a batch, each added to once, under its row lock, so
    // that concurrent batches add up without a lost update; then the same for every month and customer.
    private static final String ADD_TO_TOTALS = addTo("monthly_usage", "month, customer_id, provider", 3);
    private static final String ADD_TO_CUSTOMER_TOTALS = addTo("customer_monthly_usage", "month, customer_id", 2);
    /** Keys (month, customer, provider) element by element: the order rows are locked in. */
    private static final Comparator<List<String>> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    private final EntityManager entityManager;

    public UsageAggregator(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Adds the call to its month's totals; returns false when the event was added before (a redelivery). */
    public boolean apply(UsageEvent event, Instant now) {
        return applyAll(List.of(event), now) == 1;
    }

    /**
     * Adds a batch of calls to their months' totals: the event ids applied before (redeliveries, or a copy within
     * the batch) are left out in one statement, the rest are summed in memory per month, customer and provider and
     * added in one statement. Returns how many events were added.
     */
    public int applyAll(List<UsageEvent> events, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            Map<UUID, UsageEvent> unique = new LinkedHashMap<>();
            events.forEach(e -> unique.putIfAbsent(e.eventId(), e));
            Set<UUID> fresh = ProcessedEvents.markNew(connection, unique.keySet(), now);
            if (fresh.isEmpty()) {
                return 0;
            }
            // sorted, so that two transactions touching the same rows lock them in the same order
            Map<List<String>, Totals> byProvider = new TreeMap<>(KEY_ORDER);
            Map<List<String>, Totals> byCustomer = new TreeMap<>(KEY_ORDER);
            for (UsageEvent event : unique.values()) {
                if (fresh.contains(event.eventId())) {
                    String month = Months.of(event.occurredAt()).toString();
                    byProvider.computeIfAbsent(List.of(month, event.customerId(), event.provider().name()),
                            k -> new Totals()).add(event);
                    byCustomer.computeIfAbsent(List.of(month, event.customerId()), k -> new Totals()).add(event);
                }
            }
            add(connection, ADD_TO_TOTALS, byProvider, 3, at);
            add(connection, ADD_TO_CUSTOMER_TOTALS, byCustomer, 2, at);
            return fresh.size();
        });
    }

    /** Adds each key's totals to its row, in one statement; a key is the row's text columns (month, customer...). */
    private static void add(Connection connection, String sql, Map<List<String>, Totals> totals, int keyColumns,
                            OffsetDateTime at) throws SQLException {
        int n = totals.size();
        Object[][] columns = new Object[keyColumns + QUANTITIES.length][n];
        int row = 0;
        for (Map.Entry<List<String>, Totals> entry : totals.entrySet()) {
            Totals t = entry.getValue();
            Object[] quantities = {t.calls, t.errors, t.inputTokens, t.outputTokens, t.cachedInputTokens,
                t.reasoningTokens, t.characters, t.callSeconds, t.costUsd.toPlainString(), t.unpricedCalls};
            for (int c = 0; c < keyColumns; c++) {
                columns[c][row] = entry.getKey().get(c);
            }
            for (int c = 0; c < quantities.length; c++) {
                columns[keyColumns + c][row] = quantities[c];
            }
            row++;
        }
        try (PreparedStatement add = connection.prepareStatement(sql)) {
            add.setObject(1, at);
            for (int c = 0; c < columns.length; c++) {
                String type = c < keyColumns ? "text" : QUANTITY_TYPES[c - keyColumns];
                add.setArray(c + 2, connection.createArrayOf(type, columns[c]));
            }
            add.executeUpdate();
        }
    }

    /** {@code insert ... select from unnest(...) on conflict (key) do update}, adding every quantity. */
    private static String addTo(String table, String key, int keyColumns) {
        String arrays = String.join(", ", Collections.nCopies(keyColumns, "?::text[]")) + ", "
                + Arrays.stream(QUANTITY_TYPES).map(t -> "?::" + t + "[]").collect(Collectors.joining(", "));
        String updates = Arrays.stream(QUANTITIES).map(q -> q + " = t." + q + " + excluded." + q)
                .collect(Collectors.joining(",\n    "));
        return "insert into " + table + " as t (" + key + ", " + String.join(", ", QUANTITIES) + ", updated_at)\n"
                + "select k.*, ? from unnest(" + arrays + ") as k\n"
                + "on conflict (" + key + ") do update set\n    " + updates + ",\n    updated_at = excluded.updated_at";
    }
}
