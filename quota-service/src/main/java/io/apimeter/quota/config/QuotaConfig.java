package io.apimeter.quota.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of quota-service, under {@code apimeter.quota}. */
@ConfigMapping(prefix = "apimeter.quota")
public interface QuotaConfig {

    /**
     * How often the outbox relay looks for alert events left to publish (a failed send, another replica's
     * rows). A run also starts right after each transaction that wrote alert events. At least 1s.
     */
    @WithDefault("1s")
    Duration outboxInterval();

    /** Most outbox rows one relay transaction sends. */
    @WithDefault("100")
    int outboxBatchSize();

    /** How long the relay waits for the broker to acknowledge one record before it tries again later. */
    @WithDefault("10s")
    Duration outboxSendTimeout();

    /** Attempts to apply one usage event (database failures) before it goes to the dead-letter topic. */
    @WithDefault("5")
    int applyAttempts();

    /** Pause after the first failed attempt to apply an event; doubled after each further one. */
    @WithDefault("200ms")
    Duration applyBackoff();
}
