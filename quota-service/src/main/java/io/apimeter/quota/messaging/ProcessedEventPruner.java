package io.apimeter.quota.messaging;

import io.apimeter.common.config.Settings;
import io.apimeter.common.messaging.ProcessedEvents;
import io.apimeter.quota.config.QuotaConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Forgets the ids of usage events applied longer ago than {@code apimeter.quota.processed-event-retention}, so
 * that the table guarding against redeliveries does not grow forever. Every replica may run it.
 */
@ApplicationScoped
public class ProcessedEventPruner {
    private final DataSource dataSource;
    private final QuotaConfig config;

    public ProcessedEventPruner(DataSource dataSource, QuotaConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** The service does not start with a retention that would forget the ids of events it may still receive. */
    void checkSettings(@Observes StartupEvent event) {
        check(config);
    }

    /** Fails, naming the key, unless the retention is at least a day and the interval longer than zero. */
    static void check(QuotaConfig config) {
        Settings.atLeast("apimeter.quota.processed-event-retention", config.processedEventRetention(),
                Duration.ofDays(1));
        Settings.positive("apimeter.quota.prune-interval", config.pruneInterval());
    }

    @Scheduled(identity = "processed-event-pruner", every = "${apimeter.quota.prune-interval:10m}",
            delayed = "${apimeter.quota.prune-interval:10m}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void pruneOnSchedule() {
        prune(Instant.now());
    }

    /** Deletes the ids applied before {@code now} minus the retention; returns how many (-1 on failure). */
    public long prune(Instant now) {
        return ProcessedEvents.forgetOlderThan(dataSource, config.processedEventRetention(), now);
    }
}
