package io.apimeter.alert.messaging;

import io.apimeter.alert.service.AlertService;
import io.apimeter.alert.service.NotificationSender;
import io.apimeter.common.messaging.ConsumerLoops;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Stores each alert event with its notifications, a poll's events in one transaction, and commits their offsets
 * after it; a record that is not a valid alert event goes to {@code alert-events-dlq}; a database outage is waited
 * out ({@link io.apimeter.common.messaging.BatchConsumer}).
 */
@ApplicationScoped
public class AlertEventConsumer {
    /** The consumer group, shared by every replica. */
    public static final String GROUP = "alert-service";

    private final AlertService alerts;
    private final NotificationSender sender;

    public AlertEventConsumer(AlertService alerts, NotificationSender sender) {
        this.alerts = alerts;
        this.sender = sender;
    }

    void start(@Observes StartupEvent event, ConsumerLoops loops) {
        loops.start("alert-events", Topics.ALERT_EVENTS, GROUP, record -> EventJson.readAlertEvent(record.value()),
                this::store);
    }

    void store(List<AlertEvent> events) {
        alerts.storeAll(events);
        // committed: their notifications go out now rather than at the sender's next round
        sender.wake();
    }
}
