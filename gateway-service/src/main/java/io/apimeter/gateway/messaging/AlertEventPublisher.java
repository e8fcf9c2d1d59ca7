package io.apimeter.gateway.messaging;

import io.apimeter.common.messaging.MessageTracing;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Publishes the gateway's own alerts to {@code alert-events}, keyed on their customer id (or {@code platform}). With
 * tracing on, the record carries the context of a PRODUCER span {@code "alert-events publish"}, child of what was
 * current (the call that used an unpriced model, the reconciliation run), which alert-service's processing continues.
 */
@ApplicationScoped
public class AlertEventPublisher {
    private final Emitter<String> emitter;
    private final MessageTracing tracing;

    public AlertEventPublisher(@Channel(Channels.ALERT_EVENTS_OUT) Emitter<String> emitter, MessageTracing tracing) {
        this.emitter = emitter;
        this.tracing = tracing;
    }

    /** Sends the alert; the stage completes when the broker has acknowledged it (acks=all), or fails. */
    public CompletableFuture<Void> publish(AlertEvent alert) {
        Map<String, byte[]> headers = CloudEventHeaders.of(alert.validate(), UsageEventPublisher.SOURCE);
        Span span = tracing.startPublish(Topics.ALERT_EVENTS, alert.eventId(), alert.customerId());
        if (span.isRecording()) {
            span.setAttribute("apimeter.customer_id", alert.customerId());
            span.setAttribute("apimeter.alert_type", String.valueOf(alert.type()));
        }
        tracing.inject(span, headers);
        CompletableFuture<Void> acked = KafkaSend.send(emitter, alert.customerId(), EventJson.write(alert), headers);
        acked.whenComplete((ok, error) -> {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, "the broker did not take the alert");
            }
            span.end();
        });
        return acked;
    }
}
