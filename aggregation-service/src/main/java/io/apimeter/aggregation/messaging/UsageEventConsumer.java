package io.apimeter.aggregation.messaging;

import io.apimeter.aggregation.service.UsageAggregator;
import io.apimeter.common.messaging.ConsumerLoops;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;

/**
 * Adds every usage event to the monthly totals. Each poll's events are added in one transaction and their
 * offsets committed after it; a record that is not a valid event goes to {@code usage-events-dlq}; a database
 * outage is waited out ({@link io.apimeter.common.messaging.BatchConsumer}).
 */
@ApplicationScoped
public class UsageEventConsumer {
    /** The consumer group, shared by every replica. */
    public static final String GROUP = "aggregation-service";

    private final UsageAggregator aggregator;
    private final Counter applied;
    private final Counter duplicates;

    public UsageEventConsumer(UsageAggregator aggregator, MeterRegistry registry) {
        this.aggregator = aggregator;
        this.applied = registry.counter("apimeter.aggregation.events", "result", "applied");
        this.duplicates = registry.counter("apimeter.aggregation.events", "result", "duplicate");
    }

    void start(@Observes StartupEvent event, ConsumerLoops loops) {
        loops.start("usage-events", Topics.USAGE_EVENTS, GROUP, record -> EventJson.readUsageEvent(record.value()),
                this::apply);
    }

    void apply(List<UsageEvent> events) {
        int added = aggregator.applyAll(events, Instant.now());
        applied.increment(added);
        duplicates.increment(events.size() - added);
    }
}
