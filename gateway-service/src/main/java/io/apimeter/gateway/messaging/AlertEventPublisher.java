package io.apimeter.gateway.messaging;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes the gateway's own alerts to {@code alert-events}, keyed on their customer id (or {@code platform}). */
@ApplicationScoped
public class AlertEventPublisher {
    private final Emitter<String> emitter;

    public AlertEventPublisher(@Channel(Channels.ALERT_EVENTS_OUT) Emitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Sends the alert; the stage completes when the broker has acknowledged it (acks=all), or fails. */
    public CompletableFuture<Void> publish(AlertEvent alert) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.of(alert.validate(), UsageEventPublisher.SOURCE).forEach(headers::add);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(alert.customerId())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(EventJson.write(alert))
                .addMetadata(metadata)
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(error -> {
                    acked.completeExceptionally(error);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }
}
