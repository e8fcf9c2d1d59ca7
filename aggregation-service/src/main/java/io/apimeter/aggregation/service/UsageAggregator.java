package io.apimeter.aggregation.service;

import io.apimeter.events.Months;
import io.apimeter.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.hibernate.Session;

/** Adds usage events to the monthly totals, exactly once per event id. */
@ApplicationScoped
@Transactional
public class UsageAggregator {
    private static final String MARK_PROCESSED = """
            insert into processed_event (event_id, processed_at) values (?, ?)
            on conflict (event_id) do nothing
            """;

    // One statement, so concurrent events of the same month, customer and provider add up without a lost update.
    private static final String ADD_TO_TOTALS = """
            insert into monthly_usage as t (month, customer_id, provider, calls, errors, input_tokens, output_tokens,
                cached_input_tokens, reasoning_tokens, characters, call_seconds, cost_usd, unpriced_calls, updated_at)
            values (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement mark = connection.prepareStatement(MARK_PROCESSED)) {
                mark.setObject(1, event.eventId());
                mark.setObject(2, at);
                if (mark.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement add = connection.prepareStatement(ADD_TO_TOTALS)) {
                int i = 0;
                add.setString(++i, Months.of(event.occurredAt()).toString());
                add.setString(++i, event.customerId());
                add.setString(++i, event.provider().name());
                add.setLong(++i, event.outcome().isError() ? 1 : 0);
                add.setLong(++i, event.usage().inputTokens());
                add.setLong(++i, event.usage().outputTokens());
                add.setLong(++i, event.usage().cachedInputTokens());
                add.setLong(++i, event.usage().reasoningTokens());
                add.setLong(++i, event.usage().characters());
                add.setLong(++i, event.usage().callSeconds());
                // The gateway priced the call; an unpriced call adds nothing here and is counted instead.
                add.setBigDecimal(++i, event.cost().amountOrZero());
                add.setLong(++i, event.cost().unpriced() ? 1 : 0);
                add.setObject(++i, at);
                add.executeUpdate();
            }
            return true;
        });
    }
}
