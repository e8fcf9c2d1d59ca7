package io.apimeter.recorder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of usage-recorder-service. */
@ConfigMapping(prefix = "apimeter.recorder")
public interface RecorderConfig {

    /** How many days raw call records are kept; older rows are deleted by the daily retention job. At least 1. */
    @WithDefault("90")
    int retentionDays();

    /**
     * When the retention job runs (Quarkus cron, seconds first), or {@code off} to never run it.
     * Read by {@code @Scheduled} through the property {@code apimeter.recorder.retention-cron}.
     */
    @WithDefault("0 15 3 * * ?")
    String retentionCron();

    /**
     * How many rows the retention job deletes per transaction, so that a large purge never holds long locks. At
     * least 1.
     */
    @WithDefault("5000")
    int retentionBatchSize();

}
