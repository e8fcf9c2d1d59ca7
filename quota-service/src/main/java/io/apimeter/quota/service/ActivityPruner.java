package io.apimeter.quota.service;

import io.apimeter.common.config.Settings;
import io.apimeter.quota.config.QuotaConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Deletes minute counts older than {@code apimeter.quota.minute-counts-retention} (at least the 60-minute
 * look-back) and hourly counts older than the unusual-activity baseline plus a day. Every replica may run
 * it; the deletes do not conflict with counting beyond a short row lock.
 */
@ApplicationScoped
public class ActivityPruner {
    private static final Logger LOG = Logger.getLogger(ActivityPruner.class);
    private static final Duration LOOK_BACK = Duration.ofHours(1);

    private final ActivityCounters counters;
    private final QuotaConfig config;

    public ActivityPruner(ActivityCounters counters, QuotaConfig config) {
        this.counters = counters;
        this.config = config;
    }

    /** The service does not start with counts kept shorter than the rules that read them look back. */
    void checkSettings(@Observes StartupEvent event) {
        check(config);
    }

    /**
     * Fails, naming the key, unless minute counts are kept at least the 60-minute look-back, the baseline is at
     * least a day and the interval longer than zero.
     */
    static void check(QuotaConfig config) {
        Settings.atLeast("apimeter.quota.minute-counts-retention", config.minuteCountsRetention(), LOOK_BACK);
        Settings.atLeast("apimeter.quota.unusual.baseline-days", config.unusual().baselineDays(), 1);
        Settings.positive("apimeter.quota.prune-interval", config.pruneInterval());
    }

    @Scheduled(identity = "activity-pruner", every = "${apimeter.quota.prune-interval:10m}",
            delayed = "${apimeter.quota.prune-interval:10m}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void pruneOnSchedule() {
        prune(Instant.now());
    }

    /** Prunes as of {@code now}; returns the minute and hour rows deleted. */
    public int[] prune(Instant now) {
        Duration minuteRetention = config.minuteCountsRetention();
        Duration hourRetention = Duration.ofDays(config.unusual().baselineDays() + 1L);
        int[] deleted = counters.prune(now, minuteRetention, hourRetention);
        if (deleted[0] + deleted[1] > 0) {
            LOG.debugf("pruned %d minute and %d hour counts", deleted[0], deleted[1]);
        }
        return deleted;
    }
}
