package io.apimeter.recorder.service;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.recorder.entity.UsageLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads the call log: newest first, keyset-paginated so that a deep page costs what the first one does. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class UsageLogSearch {
    private static final String ORDER = " order by occurred_at desc, event_id desc";
    /** Rows the database sends per round trip while a whole filter is streamed. */
    private static final int STREAM_FETCH = 1000;

    private final EntityManager entityManager;
    private final DataSource dataSource;

    public UsageLogSearch(EntityManager entityManager, DataSource dataSource) {
        this.entityManager = entityManager;
        this.dataSource = dataSource;
    }

    /** A row handed over while a whole filter is streamed. */
    @FunctionalInterface
    public interface RowHandler {
        void handle(UsageLog row) throws Exception;
    }

    public Optional<UsageLog> find(UUID eventId) {
        return Optional.ofNullable(entityManager.find(UsageLog.class, eventId));
    }

    public UsageLogPage search(UsageLogFilter filter) {
        Conditions conditions = Conditions.of(filter);
        Query query = entityManager.createNativeQuery(numbered("select * from usage_log" + conditions.where() + ORDER
                + " limit ?"), UsageLog.class);
        int position = 1;
        for (Object value : conditions.values()) {
            query.setParameter(position++, value);
        }
        // One row more than asked tells whether there is a next page.
        query.setParameter(position, filter.limit() + 1);
        @SuppressWarnings("unchecked")
        List<UsageLog> rows = query.getResultList();
        if (rows.size() <= filter.limit()) {
            return new UsageLogPage(rows, null);
        }
        List<UsageLog> page = rows.subList(0, filter.limit());
        UsageLog last = page.get(page.size() - 1);
        return new UsageLogPage(List.copyOf(page), new Cursor(last.occurredAt, last.eventId));
    }

    /**
     * Hands every row of the filter (its limit aside) to {@code handler}, newest first, as the database sends them
     * ({@value #STREAM_FETCH} at a time, through a cursor of one read-only transaction): memory stays the same
     * however many rows there are, and the first ones come at once. An exception of the handler (a client that went
     * away) ends the read.
     */
    public void stream(UsageLogFilter filter, RowHandler handler) throws Exception {
        Conditions conditions = Conditions.of(filter);
        QuarkusTransaction.suspendingExisting().call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                connection.setReadOnly(true);
                try (PreparedStatement query = connection.prepareStatement("select * from usage_log"
                        + conditions.where() + ORDER)) {
                    query.setFetchSize(STREAM_FETCH);
                    int position = 1;
                    for (Object value : conditions.values()) {
                        query.setObject(position++, value);
                    }
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            handler.handle(row(rows));
                        }
                    }
                } finally {
                    connection.rollback();
                    connection.setReadOnly(false);
                    connection.setAutoCommit(true);
                }
            }
            return null;
        });
    }

    /** JDBC's {@code ?} placeholders as Hibernate's numbered ones ({@code ?1}, {@code ?2}, ...). */
    static String numbered(String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int n = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            out.append(c);
            if (c == '?') {
                out.append(++n);
            }
        }
        return out.toString();
    }

    private static UsageLog row(ResultSet rows) throws SQLException {
        UsageLog row = new UsageLog();
        row.eventId = rows.getObject("event_id", UUID.class);
        row.customerId = rows.getString("customer_id");
        row.apiKeyId = rows.getString("api_key_id");
        row.provider = Provider.valueOf(rows.getString("provider"));
        row.operation = rows.getString("operation");
        row.model = rows.getString("model");
        row.pricedModel = rows.getString("priced_model");
        row.occurredAt = rows.getObject("occurred_at", OffsetDateTime.class).toInstant();
        row.latencyMs = rows.getLong("latency_ms");
        row.httpStatus = rows.getInt("http_status");
        row.outcome = Outcome.valueOf(rows.getString("outcome"));
        row.inputTokens = rows.getLong("input_tokens");
        row.outputTokens = rows.getLong("output_tokens");
        row.cachedInputTokens = rows.getLong("cached_input_tokens");
        row.reasoningTokens = rows.getLong("reasoning_tokens");
        row.characters = rows.getLong("characters");
        row.callSeconds = rows.getLong("call_seconds");
        row.estimated = rows.getBoolean("estimated");
        row.costUsd = rows.getObject("cost_usd", BigDecimal.class);
        row.unpriced = rows.getBoolean("unpriced");
        row.priceId = rows.getString("price_id");
        row.priceVersion = rows.getObject("price_version", Integer.class);
        row.recordedAt = rows.getObject("recorded_at", OffsetDateTime.class).toInstant();
        return row;
    }

    /** The filter as SQL conditions with {@code ?} placeholders, and their values in order. */
    record Conditions(String where, List<Object> values) {
        static Conditions of(UsageLogFilter filter) {
            List<String> where = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            if (filter.customerId() != null) {
                where.add("customer_id = ?");
                values.add(filter.customerId());
            }
            if (filter.provider() != null) {
                where.add("provider = ?");
                values.add(filter.provider().name());
            }
            if (filter.outcome() != null) {
                where.add("outcome = ?");
                values.add(filter.outcome().name());
            }
            if (filter.model() != null) {
                where.add("(model = ? or priced_model = ?)");
                values.add(filter.model());
                values.add(filter.model());
            }
            if (filter.from() != null) {
                where.add("occurred_at >= ?");
                values.add(filter.from().atOffset(ZoneOffset.UTC));
            }
            if (filter.to() != null) {
                where.add("occurred_at < ?");
                values.add(filter.to().atOffset(ZoneOffset.UTC));
            }
            if (filter.after() != null) {
                // A row comparison walks the (occurred_at desc, event_id desc) indexes directly.
                where.add("(occurred_at, event_id) < (?, ?)");
                values.add(filter.after().occurredAt().atOffset(ZoneOffset.UTC));
                values.add(filter.after().eventId());
            }
            return new Conditions(where.isEmpty() ? "" : " where " + String.join(" and ", where), List.copyOf(values));
        }
    }
}
