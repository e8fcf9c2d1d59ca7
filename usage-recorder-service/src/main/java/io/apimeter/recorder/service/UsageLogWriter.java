package io.apimeter.recorder.service;

import io.apimeter.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.hibernate.Session;

/** Stores usage events as call records, exactly once per event id. */
@ApplicationScoped
@Transactional
public class UsageLogWriter {
    // One statement for the whole batch: the arrays are unnested into rows, and the primary key (event_id,
    // occurred_at; an event keeps its occurred_at on every delivery) makes a redelivered event a no-op inside that
    // statement, without a failed transaction and without a read first.
    private static final String INSERT = """
            insert into usage_log (event_id, customer_id, api_key_id, provider, operation, model, priced_model,
                occurred_at, latency_ms, http_status, outcome, input_tokens, output_tokens, cached_input_tokens,
                reasoning_tokens, characters, call_seconds, estimated, cost_usd, unpriced, price_id, price_version,
                recorded_at)
            select e.*, ? from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::timestamptz[], ?::bigint[], ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                ?::bigint[], ?::bigint[], ?::boolean[], ?::numeric[], ?::boolean[], ?::text[], ?::int[]) as e
            on conflict (event_id, occurred_at) do nothing
            """;

    private final EntityManager entityManager;
    private final UsageLogPartitions partitions;

    public UsageLogWriter(EntityManager entityManager, UsageLogPartitions partitions) {
        this.entityManager = entityManager;
        this.partitions = partitions;
    }

    /** Stores the call; returns false when the event was stored before (a redelivery). */
    public boolean record(UsageEvent event, Instant recordedAt) {
        return recordAll(List.of(event), recordedAt) == 1;
    }

    /** Stores the calls in one statement; returns how many were new (the others were stored before). */
    public int recordAll(List<UsageEvent> events, Instant recordedAt) {
        // every call lands in the partition of its month, however late or early: one is made if it has none
        partitions.ensure(events.stream().map(e -> UsageLogPartitions.monthOf(e.occurredAt())).collect(Collectors.toSet()));
        int n = events.size();
        Object[][] columns = new Object[22][n];
        for (int row = 0; row < n; row++) {
            UsageEvent event = events.get(row);
            int c = 0;
            columns[c++][row] = event.eventId();
            columns[c++][row] = event.customerId();
            columns[c++][row] = event.apiKeyId();
            columns[c++][row] = event.provider().name();
            columns[c++][row] = event.operation();
            columns[c++][row] = event.model();
            columns[c++][row] = event.pricedModel();
            columns[c++][row] = utc(event.occurredAt());
            columns[c++][row] = event.latencyMs();
            columns[c++][row] = event.httpStatus();
            columns[c++][row] = event.outcome().name();
            columns[c++][row] = event.usage().inputTokens();
            columns[c++][row] = event.usage().outputTokens();
            columns[c++][row] = event.usage().cachedInputTokens();
            columns[c++][row] = event.usage().reasoningTokens();
            columns[c++][row] = event.usage().characters();
            columns[c++][row] = event.usage().callSeconds();
            columns[c++][row] = event.usage().estimated();
            columns[c++][row] = event.cost().amount() == null ? null : event.cost().amount().toPlainString();
            columns[c++][row] = event.cost().unpriced();
            columns[c++][row] = event.cost().priceId();
            columns[c][row] = event.cost().priceVersion();
        }
        String[] types = {"uuid", "text", "text", "text", "text", "text", "text", "timestamptz", "int8", "int4", "text",
                "int8", "int8", "int8", "int8", "int8", "int8", "bool", "numeric", "bool", "text", "int4"};
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setObject(1, utc(recordedAt));
                for (int c = 0; c < types.length; c++) {
                    insert.setArray(c + 2, connection.createArrayOf(types[c], columns[c]));
                }
                return insert.executeUpdate();
            }
        });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
