package io.apimeter.aggregation.messaging;

import io.apimeter.common.messaging.ProcessedEvents;
import io.apimeter.aggregation.config.AggregationConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Forgets the ids of usage events applied longer ago than {@code apimeter.aggregation.processed-event-retention}, so
 * that the table guarding against redeliveries does not grow forever. Every replica may run it.
 */
@ApplicationScoped
public class ProcessedEventPruner {
    private static final Logger LOG = Logger.getLogger(ProcessedEventPruner.class);
    private static final int BATCH = 10_000;

    private final DataSource dataSource;
    private final AggregationConfig config;

    public ProcessedEventPruner(DataSource dataSource, AggregationConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Scheduled(identity = "processed-event-pruner", every = "${apimeter.aggregation.prune-interval:1h}",
            delayed = "${apimeter.aggregation.prune-interval:1h}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void pruneOnSchedule() {
        try {
            prune(Instant.now());
        } catch (SQLException e) {
            LOG.warnf("pruning processed_event failed; the next round tries again: %s", e.getMessage());
        }
    }

    /** Deletes the ids applied before {@code now} minus the retention; returns how many. */
    public long prune(Instant now) throws SQLException {
        long deleted = ProcessedEvents.pruneBefore(dataSource, now.minus(config.processedEventRetention()), BATCH);
        if (deleted > 0) {
            LOG.infof("forgot %d usage event ids applied more than %s ago", deleted, config.processedEventRetention());
        }
        return deleted;
    }
}
