package io.apimeter.common.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void shouldRefuseANumberBelowItsMinimumNamingTheKeyAndItsEnvironmentVariable() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Settings.atLeast("apimeter.recorder.retention-days", 0, 1));
        assertEquals("invalid setting apimeter.recorder.retention-days (env APIMETER_RECORDER_RETENTION_DAYS): 0;"
                + " it must be at least 1", e.getMessage());
        assertDoesNotThrow(() -> Settings.atLeast("apimeter.recorder.retention-days", 1, 1));
    }

    @Test
    void shouldRefuseADurationBelowItsMinimumOrNotLongerThanZero() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Settings.atLeast("apimeter.quota.processed-event-retention", Duration.ofHours(12),
                        Duration.ofDays(1)));
        assertEquals("invalid setting apimeter.quota.processed-event-retention"
                + " (env APIMETER_QUOTA_PROCESSED_EVENT_RETENTION): PT12H; it must be at least PT24H", e.getMessage());
        assertThrows(IllegalStateException.class, () -> Settings.positive("apimeter.quota.prune-interval",
                Duration.ZERO));
        assertThrows(IllegalStateException.class, () -> Settings.positive("apimeter.quota.prune-interval",
                Duration.ofSeconds(-1)));
        assertDoesNotThrow(() -> Settings.positive("apimeter.quota.prune-interval", Duration.ofMillis(1)));
        assertDoesNotThrow(() -> Settings.atLeast("apimeter.quota.processed-event-retention", Duration.ofDays(30),
                Duration.ofDays(1)));
    }
}
