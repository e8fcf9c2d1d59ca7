package io.apimeter.aggregation.messaging;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.aggregation.config.AggregationConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The service refuses to start with a retention that forgets applied events too soon, or no prune interval. */
class RetentionSettingsTest {

    private static AggregationConfig config(Duration retention, Duration interval) {
        return new AggregationConfig() {
            @Override
            public Duration processedEventRetention() {
                return retention;
            }

            @Override
            public Duration pruneInterval() {
                return interval;
            }
        };
    }

    @Test
    void shouldRefuseARetentionUnderADayNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProcessedEventPruner.check(config(Duration.ZERO, Duration.ofHours(1))));
        assertTrue(e.getMessage().contains("apimeter.aggregation.processed-event-retention"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> ProcessedEventPruner.check(config(Duration.ofHours(23), Duration.ofHours(1))));
    }

    @Test
    void shouldRefuseAPruneIntervalOfZeroNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProcessedEventPruner.check(config(Duration.ofDays(30), Duration.ZERO)));
        assertTrue(e.getMessage().contains("apimeter.aggregation.prune-interval"), e.getMessage());
    }

    @Test
    void shouldAcceptTheDefaults() {
        assertDoesNotThrow(() -> ProcessedEventPruner.check(config(Duration.ofDays(30), Duration.ofHours(1))));
    }
}
