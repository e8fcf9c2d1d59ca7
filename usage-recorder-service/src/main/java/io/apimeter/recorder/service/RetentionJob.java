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
 * Removes raw call records past their retention, by whole months ({@link UsageLogPartitions#purgeBefore}). Only
 * the per-call log ages out here: the monthly totals (aggregation-service) and the alerts (alert-service) are kept.
 */
@ApplicationScoped
public class RetentionJob {
    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final UsageLogPartitions partitions;
    private final RecorderConfig config;
    private final Clock clock;

    public RetentionJob(UsageLogPartitions partitions, RecorderConfig config, Clock clock) {
        this.partitions = partitions;
        this.config = config;
        this.clock = clock;
    }

    /** The service does not start with settings that would delete every record or loop on empty batches. */
    void checkSettings(@Observes StartupEvent event) {
        check(config);
    }

    /** Fails, naming the key, unless retention-days and retention-batch-size are at least 1 and months ahead 2. */
    static void check(RecorderConfig config) {
        Settings.atLeast("apimeter.recorder.retention-days", config.retentionDays(), 1);
        Settings.atLeast("apimeter.recorder.retention-batch-size", config.retentionBatchSize(), 1);
        Settings.atLeast("apimeter.recorder.partition-months-ahead", config.partitionMonthsAhead(), 2);
    }

    // Replicas may run it at the same time: one removes, the others see it busy and skip.
    @Scheduled(identity = "usage-log-retention", cron = "${apimeter.recorder.retention-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeExpired() {
        purge();
    }

    /** Removes every call that occurred more than retention-days before now (the clock's). */
    public UsageLogPartitions.Purge purge() {
        return purgeBefore(clock.instant().minus(Duration.ofDays(config.retentionDays())));
    }

    /** Removes every call that occurred before {@code cutoff}. */
    public UsageLogPartitions.Purge purgeBefore(Instant cutoff) {
        long started = System.nanoTime();
        UsageLogPartitions.Purge purge = partitions.purgeBefore(cutoff, config.retentionBatchSize());
        if (purge.partitionsDropped() > 0 || purge.rowsDeleted() > 0) {
            LOG.infof("removed the calls before %s: %d month partitions dropped (about %d calls), %d calls deleted,"
                    + " in %d ms", cutoff, purge.partitionsDropped(), purge.rowsDropped(), purge.rowsDeleted(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        return purge;
    }
}
