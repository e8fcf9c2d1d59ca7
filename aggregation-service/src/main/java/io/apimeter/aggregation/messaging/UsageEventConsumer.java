package io.apimeter.aggregation.messaging;

import io.apimeter.aggregation.config.AggregationConfig;
import io.apimeter.aggregation.service.UsageAggregator;
import io.apimeter.common.messaging.DeadLetters;
import io.apimeter.common.messaging.Retrying;
import io.apimeter.events.Channels;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Adds every usage event to the monthly totals. The record is acknowledged (and its offset committed) only
 * after the totals are committed; a record that is not a valid event is nacked and lands in
 * {@code usage-events-dlq}.
 */
@ApplicationScoped
public class UsageEventConsumer {
    private static final Logger LOG = Logger.getLogger(UsageEventConsumer.class);

    private final UsageAggregator aggregator;
    private final AggregationConfig config;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter rejected;

    public UsageEventConsumer(UsageAggregator aggregator, AggregationConfig config, MeterRegistry registry) {
        this.aggregator = aggregator;
        this.config = config;
        this.applied = registry.counter("apimeter.aggregation.events", "result", "applied");
        this.duplicates = registry.counter("apimeter.aggregation.events", "result", "duplicate");
        this.rejected = registry.counter("apimeter.aggregation.events", "result", "rejected");
    }

    @Incoming(Channels.USAGE_EVENTS_IN)
    @Blocking
    public void consume(String payload) {
        UsageEvent event = DeadLetters.parse(payload, "usage event", EventJson::readUsageEvent, rejected::increment);
        boolean added = Retrying.apply("adding usage event " + event.eventId() + " to the totals",
                config.applyAttempts(), config.applyBackoff(), () -> aggregator.apply(event, Instant.now()));
        (added ? applied : duplicates).increment();
        if (!added) {
            LOG.debugf("usage event %s was added before, ignored", event.eventId());
        }
    }
}
