package io.apimeter.aggregation.service;

import io.apimeter.common.messaging.ProcessedEvents;
import io.apimeter.events.Months;
import io.apimeter.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.Session;

/** Adds usage events to the monthly totals, exactly once per event id. */
@ApplicationScoped
@Transactional
public class UsageAggregator {
    // One statement for every month, customer and provider of a batch, each added to once, under its row lock, so
    // that concurrent batches add up without a lost update.
    private static final String ADD_TO_TOTALS = """
            insert into monthly_usage as t (month, customer_id, provider, calls, errors, input_tokens, output_tokens,
                cached_input_tokens, reasoning_tokens, characters, call_seconds, cost_usd, unpriced_calls, updated_at)
            select k.*, ? from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[], ?::bigint[]) as k
            on conflict (month, customer_id, provider) do update set
                calls = t.calls + excluded.calls,
                errors = t.errors + excluded.errors,
                input_tokens = t.input_tokens + excluded.input_tokens,
                output_tokens = t.output_tokens + excluded.output_tokens,
                cached_input_tokens = t.cached_input_tokens + excluded.cached_input_tokens,
                reasoning_tokens = t.reasoning_tokens + excluded.reasoning_tokens,
                characters = t.characters + excluded.characters,
                call_seconds = t.call_seconds + excluded.call_seconds,
                cost_usd = t.cost_usd + excluded.cost_usd,
                unpriced_calls = t.unpriced_calls + excluded.unpriced_calls,
                updated_at = excluded.updated_at
            """;

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
            Map<String, Totals> totals = new TreeMap<>();
            for (UsageEvent event : unique.values()) {
                if (fresh.contains(event.eventId())) {
                    String key = Months.of(event.occurredAt()) + "\u0000" + event.customerId() + "\u0000"
                            + event.provider().name();
                    totals.computeIfAbsent(key, k -> new Totals()).add(event);
                }
            }
            int n = totals.size();
            Object[][] columns = new Object[13][n];
            int row = 0;
            for (Map.Entry<String, Totals> entry : totals.entrySet()) {
                String[] key = entry.getKey().split("\u0000");
                Totals t = entry.getValue();
                Object[] values = {key[0], key[1], key[2], t.calls, t.errors, t.inputTokens, t.outputTokens,
                        t.cachedInputTokens, t.reasoningTokens, t.characters, t.callSeconds,
                        t.costUsd.toPlainString(), t.unpricedCalls};
                for (int c = 0; c < values.length; c++) {
                    columns[c][row] = values[c];
                }
                row++;
            }
            String[] types = {"text", "text", "text", "int8", "int8", "int8", "int8", "int8", "int8", "int8", "int8",
                    "numeric", "int8"};
            try (PreparedStatement add = connection.prepareStatement(ADD_TO_TOTALS)) {
                add.setObject(1, at);
                for (int c = 0; c < types.length; c++) {
                    add.setArray(c + 2, connection.createArrayOf(types[c], columns[c]));
                }
                add.executeUpdate();
            }
            return fresh.size();
        });
    }
}
