package io.apimeter.recorder.messaging;

import io.apimeter.common.messaging.DeadLetters;
import io.apimeter.common.messaging.Retrying;
import io.apimeter.events.Channels;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.recorder.config.RecorderConfig;
import io.apimeter.recorder.service.UsageLogWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Records every usage event. The record is acknowledged (and its offset committed) only after the row is
 * committed; a record that is not a valid event is nacked and lands in {@code usage-events-dlq}.
 */
@ApplicationScoped
public class UsageEventConsumer {
    private static final Logger LOG = Logger.getLogger(UsageEventConsumer.class);

    private final UsageLogWriter writer;
    private final RecorderConfig config;
    private final Counter recorded;
    private final Counter duplicates;
    private final Counter rejected;

    public UsageEventConsumer(UsageLogWriter writer, RecorderConfig config, MeterRegistry registry) {
        this.writer = writer;
        this.config = config;
        this.recorded = registry.counter("apimeter.recorder.events", "result", "recorded");
        this.duplicates = registry.counter("apimeter.recorder.events", "result", "duplicate");
        this.rejected = registry.counter("apimeter.recorder.events", "result", "rejected");
    }

    @Incoming(Channels.USAGE_EVENTS_IN)
    @Blocking
    public void consume(String payload) {
        UsageEvent event = DeadLetters.parse(payload, "usage event", EventJson::readUsageEvent, rejected::increment);
        boolean inserted = Retrying.apply("recording usage event " + event.eventId(), config.applyAttempts(),
                config.applyBackoff(), () -> writer.record(event, Instant.now()));
        (inserted ? recorded : duplicates).increment();
        if (!inserted) {
            LOG.debugf("usage event %s was recorded before, ignored", event.eventId());
        }
    }
}
