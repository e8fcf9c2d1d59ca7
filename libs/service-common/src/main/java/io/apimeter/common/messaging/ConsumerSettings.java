package io.apimeter.common.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the service's batch consumers read, retry and stop ({@link BatchConsumer}). */
@ConfigMapping(prefix = "apimeter.consumer")
public interface ConsumerSettings {

    /** At most this many records a poll; they are applied as one batch in one transaction. */
    @WithDefault("2000")
    int maxBatch();

    /** The first wait after a batch failed to apply. */
    @WithDefault("100ms")
    Duration minBackoff();

    /** The longest wait between two attempts; the wait doubles up to it and the batch is tried for ever. */
    @WithDefault("10s")
    Duration maxBackoff();

    /** How often one record the database refuses (a data or constraint error) is tried before it is dead-lettered. */
    @WithDefault("3")
    int dataAttempts();

    /**
     * How long the group waits for a consumer that stopped answering (a killed process) before its partitions go
     * to the others. Heartbeats come from a thread of their own, so a long batch does not count against it.
     */
    @WithDefault("10s")
    Duration sessionTimeout();

    /** On shutdown, how long the batch in hand may take to finish before the service stops anyway. */
    @WithDefault("20s")
    Duration stopTimeout();
}
