package io.apimeter.common.messaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The {@code processed_event} table of a consumer (event_id uuid primary key, processed_at timestamptz) remembers
 * which events were applied, so that a redelivered one changes nothing. It only has to remember as far back as
 * an event can still be delivered again: rows older than the retention are deleted in small batches, each its
 * own transaction, so that pruning never holds locks the consumer waits for.
 */
public final class ProcessedEvents {
    private static final String DELETE = "delete from processed_event where event_id in"
            + " (select event_id from processed_event where processed_at < ? limit ?)";

    private ProcessedEvents() {
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
