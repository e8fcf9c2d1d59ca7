package io.apimeter.aggregation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of aggregation-service. */
@ConfigMapping(prefix = "apimeter.aggregation")
public interface AggregationConfig {


    /**
     * How long the ids of applied usage events are remembered to ignore redeliveries. Keep it longer than
     * the retention of the usage-events topic: a replay from further back than this would count twice. At least
     * 1d; the service does not start with less.
     */
    @WithDefault("30d")
    Duration processedEventRetention();

    /** How often old ids of applied usage events are deleted. Longer than zero. */
    @WithDefault("1h")
    Duration pruneInterval();
}
