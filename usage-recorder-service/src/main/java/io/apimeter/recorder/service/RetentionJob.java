package io.apimeter.recorder.service;

import io.apimeter.common.config.Settings;
import io.apimeter.recorder.config.RecorderConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Deletes raw call records past their retention. Monthly totals live in aggregation-service and are kept;
 * only the per-call log ages out here.
 */
@ApplicationScoped
public class RetentionJob {
    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final UsageLogWriter writer;
    private final RecorderConfig config;
    private final Clock clock;

    public RetentionJob(UsageLogWriter writer, RecorderConfig config) {
        this.writer = writer;
        this.config = config;
        this.clock = Clock.systemUTC();
    }

    /** The service does not start with settings that would delete every record or loop on empty batches. */
    void checkSettings(@Observes StartupEvent event) {
        check(config);
    }

    /** Fails, naming the key, unless retention-days and retention-batch-size are at least 1. */
    static void check(RecorderConfig config) {
        Settings.atLeast("apimeter.recorder.retention-days", config.retentionDays(), 1);
        Settings.atLeast("apimeter.recorder.retention-batch-size", config.retentionBatchSize(), 1);
    }

    // Replicas may run it at the same time: deleting the same old rows twice is harmless.
    @Scheduled(identity = "usage-log-retention", cron = "${apimeter.recorder.retention-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeExpired() {
        purgeBefore(clock.instant().minus(Duration.ofDays(config.retentionDays())));
    }

    /** Deletes every call that occurred before {@code cutoff}, batch by batch; returns how many. */
    public long purgeBefore(Instant cutoff) {
        long total = 0;
        int deleted;
        do {
            deleted = writer.deleteOlderThan(cutoff, config.retentionBatchSize());
            total += deleted;
        } while (deleted == config.retentionBatchSize());
        if (total > 0) {
            LOG.infof("deleted %d call records that occurred before %s", total, cutoff);
        }
        return total;
    }
}
