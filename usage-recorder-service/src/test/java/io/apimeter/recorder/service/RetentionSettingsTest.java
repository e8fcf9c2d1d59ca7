package io.apimeter.recorder.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.recorder.config.RecorderConfig;
import org.junit.jupiter.api.Test;

/** The service refuses to start with a retention that would delete every record or a batch that deletes nothing. */
class RetentionSettingsTest {

    private static RecorderConfig config(int days, int batchSize) {
        return config(days, batchSize, 2);
    }

    private static RecorderConfig config(int days, int batchSize, int monthsAhead) {
        return new RecorderConfig() {
            @Override
            public int retentionDays() {
                return days;
            }

            @Override
            public String retentionCron() {
                return "off";
            }

            @Override
            public int retentionBatchSize() {
                return batchSize;
            }

            @Override
            public int partitionMonthsAhead() {
                return monthsAhead;
            }

            @Override
            public String partitionCron() {
                return "off";
            }
        };
    }

    @Test
    void shouldRefuseZeroRetentionDaysNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RetentionJob.check(config(0, 5000)));
        assertTrue(e.getMessage().contains("apimeter.recorder.retention-days"), e.getMessage());
        assertTrue(e.getMessage().contains("APIMETER_RECORDER_RETENTION_DAYS"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> RetentionJob.check(config(-5, 5000)));
    }

    @Test
    void shouldRefuseABatchSizeBelowOneNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RetentionJob.check(config(90, 0)));
        assertTrue(e.getMessage().contains("apimeter.recorder.retention-batch-size"), e.getMessage());
    }

    @Test
    void shouldRefuseFewerThanTwoMonthsOfPartitionsAheadNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RetentionJob.check(config(90, 5000, 1)));
        assertTrue(e.getMessage().contains("apimeter.recorder.partition-months-ahead"), e.getMessage());
        assertDoesNotThrow(() -> RetentionJob.check(config(90, 5000, 2)));
    }

    @Test
    void shouldAcceptOneDayAndBatchesOfOne() {
        assertDoesNotThrow(() -> RetentionJob.check(config(1, 1)));
        assertDoesNotThrow(() -> RetentionJob.check(config(90, 5000)));
    }
}
