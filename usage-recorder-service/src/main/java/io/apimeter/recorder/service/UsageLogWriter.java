package io.apimeter.recorder.service;

import io.apimeter.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.hibernate.Session;

/** Stores usage events as call records, exactly once per event id. */
@ApplicationScoped
@Transactional
public class UsageLogWriter {
    // The primary key on event_id makes a redelivered event a no-op inside the same statement, without a
    // failed transaction and without a read before the write.
    private static final String INSERT = """
            insert into usage_log (event_id, customer_id, api_key_id, provider, operation, model, priced_model,
                occurred_at, latency_ms, http_status, outcome, input_tokens, output_tokens, cached_input_tokens,
                reasoning_tokens, characters, call_seconds, estimated, cost_usd, unpriced, price_id, price_version,
                recorded_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (event_id) do nothing
            """;

    private final EntityManager entityManager;

    public UsageLogWriter(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Stores the call; returns false when the event was stored before (a redelivery). */
    public boolean record(UsageEvent event, Instant recordedAt) {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                int i = 0;
                insert.setObject(++i, event.eventId());
                insert.setString(++i, event.customerId());
                insert.setString(++i, event.apiKeyId());
                insert.setString(++i, event.provider().name());
                insert.setString(++i, event.operation());
                insert.setString(++i, event.model());
                insert.setString(++i, event.pricedModel());
                insert.setObject(++i, utc(event.occurredAt()));
                insert.setLong(++i, event.latencyMs());
                insert.setInt(++i, event.httpStatus());
                insert.setString(++i, event.outcome().name());
                insert.setLong(++i, event.usage().inputTokens());
                insert.setLong(++i, event.usage().outputTokens());
                insert.setLong(++i, event.usage().cachedInputTokens());
                insert.setLong(++i, event.usage().reasoningTokens());
                insert.setLong(++i, event.usage().characters());
                insert.setLong(++i, event.usage().callSeconds());
                insert.setBoolean(++i, event.usage().estimated());
                if (event.cost().amount() == null) {
                    insert.setNull(++i, Types.NUMERIC);
                } else {
                    insert.setBigDecimal(++i, event.cost().amount());
                }
                insert.setBoolean(++i, event.cost().unpriced());
                insert.setString(++i, event.cost().priceId());
                if (event.cost().priceVersion() == null) {
                    insert.setNull(++i, Types.INTEGER);
                } else {
                    insert.setInt(++i, event.cost().priceVersion());
                }
                insert.setObject(++i, utc(recordedAt));
                return insert.executeUpdate() == 1;
            }
        });
    }

    /** Deletes up to {@code batchSize} calls that occurred before {@code cutoff}; returns how many. */
    public int deleteOlderThan(Instant cutoff, int batchSize) {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("""
                    delete from usage_log where event_id in (
                        select event_id from usage_log where occurred_at < ? limit ?)
                    """)) {
                delete.setObject(1, utc(cutoff));
                delete.setInt(2, batchSize);
                return delete.executeUpdate();
            }
        });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
