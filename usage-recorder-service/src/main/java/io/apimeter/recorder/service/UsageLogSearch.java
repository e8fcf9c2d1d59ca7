package io.apimeter.recorder.service;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.recorder.entity.UsageLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads the call log: newest first, keyset-paginated so that a deep page costs what the first one does. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class UsageLogSearch {
    /** Rows the database sends per round trip while a whole filter is streamed. */
    private static final int STREAM_FETCH = 1000;
    /** Planner settings of a read, for its transaction only. */
    static final String IN_INDEX_ORDER = "select set_config('enable_sort', 'off', true),"
            + " set_config('enable_bitmapscan', 'off', true)";

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
        // One row more than asked tells whether there is a next page.
        List<UsageLog> rows = new ArrayList<>(filter.limit() + 1);
        read(UsageLogQuery.page(filter, filter.limit() + 1), 0, rows::add);
        if (rows.size() <= filter.limit()) {
            return new UsageLogPage(List.copyOf(rows), null);
        }
        List<UsageLog> page = rows.subList(0, filter.limit());
        UsageLog last = page.get(page.size() - 1);
        return new UsageLogPage(List.copyOf(page), new Cursor(last.occurredAt, last.eventId));
    }

    /**
     * Hands every row of the filter (its limit aside) to {@code handler}, newest first, as the database sends them
     * ({@value #STREAM_FETCH} at a time, through a cursor of one read-only transaction): memory stays the same
     * however many rows there are, and the first ones come at once. An exception of the handler (a client that went
     * away) ends the read, wrapped in a QuarkusTransactionException.
     */
    public void stream(UsageLogFilter filter, RowHandler handler) {
        read(UsageLogQuery.all(filter), STREAM_FETCH, handler);
    }

    /**
     * Runs a query of {@link UsageLogQuery} in a read-only transaction of its own. The planner is told to read index
     * ranges in order rather than fetch a range's rows scattered (bitmap) and sort them: every range the query names
     * has an index in the log's order, and a sort would read a whole customer's or model's range, millions of rows,
     * to return a page of 50 when its estimate of the range's size is off (the estimates of one customer's share of
     * a provider and outcome often are).
     */
    private void read(UsageLogQuery.Sql sql, int fetchSize, RowHandler handler) {
        // A checked exception of the handler or the driver comes out wrapped (QuarkusTransactionException).
        QuarkusTransaction.suspendingExisting().call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                connection.setReadOnly(true);
                try {
                    try (Statement settings = connection.createStatement()) {
                        settings.execute(IN_INDEX_ORDER);
                    }
                    try (PreparedStatement query = connection.prepareStatement(sql.text())) {
                        query.setFetchSize(fetchSize);
                        int position = 1;
                        for (Object value : sql.values()) {
                            query.setObject(position++, value);
                        }
                        try (ResultSet rows = query.executeQuery()) {
                            while (rows.next()) {
                                handler.handle(row(rows));
                            }
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
}
