package io.apimeter.gateway.messaging;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes the gateway's own alerts to {@code alert-events}, keyed on their customer id (or {@code platform}). */
@ApplicationScoped
public class AlertEventPublisher {
    private final Emitter<String> emitter;

    public AlertEventPublisher(@Channel(Channels.ALERT_EVENTS_OUT) Emitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Sends the alert; the stage completes when the broker has acknowledged it (acks=all), or fails. */
    public CompletableFuture<Void> publish(AlertEvent alert) {
        return KafkaSend.send(emitter, alert.customerId(), EventJson.write(alert),
                CloudEventHeaders.of(alert.validate(), UsageEventPublisher.SOURCE));
    }
}
