package io.apimeter.gateway.messaging;

import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Publishes one UsageEvent per metered call to {@code usage-events}, keyed on the customer. */
@ApplicationScoped
public class UsageEventPublisher {
    static final String SOURCE = "apimeter/gateway-service";
    private static final Logger LOG = Logger.getLogger(UsageEventPublisher.class);

    private final Emitter<String> emitter;
    private final Counter published;
    private final Counter failed;

    public UsageEventPublisher(@Channel(Channels.USAGE_EVENTS_OUT) Emitter<String> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.published = Counter.builder("apimeter.gateway.usage.events")
                .tag("result", "published").description("Usage events the broker acknowledged").register(registry);
        this.failed = Counter.builder("apimeter.gateway.usage.events")
                .tag("result", "failed").description("Usage events the broker did not take").register(registry);
    }

    /** Sends the event; the returned stage completes when the broker has acknowledged it (acks=all). */
    public CompletableFuture<Void> publish(UsageEvent event) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.of(event, SOURCE).forEach(headers::add);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.customerId())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(EventJson.write(event))
                .addMetadata(metadata)
                .withAck(() -> {
                    published.increment();
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(error -> {
                    failed.increment();
                    LOG.errorf("usage event %s of customer %s was not published: %s",
                            event.eventId(), event.customerId(), error.toString());
                    acked.completeExceptionally(error);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return acked;
    }
}
