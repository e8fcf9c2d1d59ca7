package io.apimeter.recorder.messaging;

import io.apimeter.common.messaging.ConsumerLoops;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.recorder.service.UsageLogWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Records every usage event. Each poll's events are stored in one statement and one transaction, and their
 * offsets committed after it; a record that is not a valid event goes to {@code usage-events-dlq}; a database
 * outage is waited out ({@link io.apimeter.common.messaging.BatchConsumer}).
 */
@ApplicationScoped
public class UsageEventConsumer {
    /** The consumer group, shared by every replica. */
    public static final String GROUP = "usage-recorder-service";
    private static final Logger LOG = Logger.getLogger(UsageEventConsumer.class);

    private final UsageLogWriter writer;
    private final Counter recorded;
    private final Counter duplicates;

    public UsageEventConsumer(UsageLogWriter writer, MeterRegistry registry) {
        this.writer = writer;
        this.recorded = registry.counter("apimeter.recorder.events", "result", "recorded");
        this.duplicates = registry.counter("apimeter.recorder.events", "result", "duplicate");
    }

    void start(@Observes StartupEvent event, ConsumerLoops loops) {
        loops.start("usage-events", Topics.USAGE_EVENTS, GROUP, record -> EventJson.readUsageEvent(record.value()),
                this::record);
    }

    void record(List<UsageEvent> events) {
        int inserted = writer.recordAll(events, Instant.now());
        recorded.increment(inserted);
        duplicates.increment(events.size() - inserted);
        if (inserted < events.size()) {
            LOG.debugf("%d of %d usage events were recorded before, ignored", events.size() - inserted, events.size());
        }
    }
}
