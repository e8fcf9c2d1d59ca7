package io.apimeter.common.messaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The {@code processed_event} table of a consumer (event_id uuid primary key, processed_at timestamptz) remembers
 * which events were applied, so that a redelivered one changes nothing. It only has to remember as far back as
 * an event can still be delivered again: rows older than the retention are deleted in small batches, each its
 * own transaction, so that pruning never holds locks the consumer waits for.
 */
public final class ProcessedEvents {
    private static final String DELETE = "delete from processed_event where event_id in"
            + " (select event_id from processed_event where processed_at < ? limit ?)";

    private static final String MARK = "insert into processed_event (event_id, processed_at)"
            + " select distinct unnest(?::uuid[]), ? on conflict (event_id) do nothing returning event_id";

    private static final Logger LOG = Logger.getLogger(ProcessedEvents.class);
    private static final int BATCH = 10_000;

    private ProcessedEvents() {
    }

    /**
     * Marks a batch's event ids as applied, in one statement, and returns those that were not applied before: the
     * events to apply now. Call it in the transaction that applies them, so that both commit or neither.
     */
    public static Set<UUID> markNew(Connection connection, Collection<UUID> eventIds, Instant processedAt)
            throws SQLException {
        Set<UUID> fresh = new HashSet<>();
        try (PreparedStatement mark = connection.prepareStatement(MARK)) {
            mark.setArray(1, connection.createArrayOf("uuid", eventIds.toArray()));
            mark.setObject(2, processedAt.atOffset(ZoneOffset.UTC));
            try (ResultSet rows = mark.executeQuery()) {
                while (rows.next()) {
                    fresh.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return fresh;
    }

    /**
     * Forgets the ids applied more than {@code retention} before {@code now}; returns how many. A failure is
     * logged and answered with -1: the next round tries again, and the consumer is never held up by it.
     */
    public static long forgetOlderThan(DataSource dataSource, Duration retention, Instant now) {
        try {
            long deleted = pruneBefore(dataSource, now.minus(retention), BATCH);
            if (deleted > 0) {
                LOG.infof("forgot %d usage event ids applied more than %s ago", deleted, retention);
            }
            return deleted;
        } catch (SQLException e) {
            LOG.warnf("pruning processed_event failed; the next round tries again: %s", e.getMessage());
            return -1;
        }
    }

    /** Deletes the rows processed before {@code cutoff}, {@code batchSize} at a time; returns how many. */
    public static long pruneBefore(DataSource dataSource, Instant cutoff, int batchSize) throws SQLException {
        long deleted = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                delete.setTimestamp(1, Timestamp.from(cutoff));
                delete.setInt(2, batchSize);
                int batch;
                do {
                    batch = delete.executeUpdate();
                    deleted += batch;
                } while (batch == batchSize);
            }
        }
        return deleted;
    }
}
