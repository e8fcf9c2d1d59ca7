package io.apimeter.alert.messaging;

import io.apimeter.alert.config.AlertConfig;
import io.apimeter.alert.service.AlertService;
import io.apimeter.alert.service.NotificationSender;
import io.apimeter.common.messaging.DeadLetters;
import io.apimeter.common.messaging.Retrying;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.Channels;
import io.apimeter.events.EventJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores each alert event with its notifications. The record is acknowledged (and its offset later
 * committed) only once the transaction has committed; an invalid record or one that keeps failing is
 * nacked and goes to {@code alert-events-dlq}.
 */
@ApplicationScoped
public class AlertEventConsumer {
    private final AlertService alerts;
    private final AlertConfig config;
    private final NotificationSender sender;

    public AlertEventConsumer(AlertService alerts, AlertConfig config, NotificationSender sender) {
        this.alerts = alerts;
        this.config = config;
        this.sender = sender;
    }

    @Incoming(Channels.ALERT_EVENTS_IN)
    @Blocking
    public void consume(String payload) {
        AlertEvent event = DeadLetters.parse(payload, "alert event", EventJson::readAlertEvent);
        Retrying.run("storing alert event " + event.eventId(), config.applyAttempts(), config.applyBackoff(),
                () -> alerts.store(event));
        // committed: its notifications go out now rather than at the sender's next round
        sender.wake();
    }
}
