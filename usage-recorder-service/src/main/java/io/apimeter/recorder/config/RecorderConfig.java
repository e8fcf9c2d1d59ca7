package io.apimeter.recorder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of usage-recorder-service. */
@ConfigMapping(prefix = "apimeter.recorder")
public interface RecorderConfig {

    /**
     * How many days raw call records are kept; the daily retention job drops the months that ended before then and
     * deletes the older calls of the month the cut-off falls in. At least 1.
     */
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

    /**
     * How many months after this one have their call log partition made ahead (at start and daily). At least 2: a
     * month's partition then exists two months before its first call.
     */
    @WithDefault("2")
    int partitionMonthsAhead();

    /**
     * When the partitions ahead are made (Quarkus cron, seconds first), or {@code off}; they are also made at start.
     * Read by {@code @Scheduled} through the property {@code apimeter.recorder.partition-cron}.
     */
    @WithDefault("0 5 0 * * ?")
    String partitionCron();

}
