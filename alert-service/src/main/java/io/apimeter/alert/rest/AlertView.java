package io.apimeter.alert.rest;

import io.apimeter.alert.entity.Alert;
import io.apimeter.alert.entity.Notification;
import io.apimeter.alert.service.AlertService;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An alert as the API shows it; used and limit as decimal strings. */
public record AlertView(
        UUID id,
        String type,
        String customerId,
        String dimension,
        String month,
        Integer thresholdPercent,
        String used,
        String limit,
        String message,
        String status,
        Instant occurredAt,
        Instant createdAt,
        Instant seenAt,
        Instant resolvedAt,
        List<NotificationView> notifications) {

    /**
     * @param lastError why the last attempt failed, null once sent
     */
    public record NotificationView(
            String channel,
            String recipient,
            String status,
            int attempts,
            Instant sentAt,
            String lastError) {

        static NotificationView of(Notification n) {
            return new NotificationView(n.channel, n.recipient, n.status, n.attempts, n.sentAt, n.lastError);
        }
    }

    static AlertView of(AlertService.AlertDetails details) {
        Alert a = details.alert();
        return new AlertView(a.id, a.type, a.customerId, a.dimension, a.month, a.thresholdPercent, plain(a.used),
                plain(a.limitValue), a.message, a.status, a.occurredAt, a.createdAt, a.seenAt, a.resolvedAt,
                details.notifications().stream().map(NotificationView::of).toList());
    }

    private static String plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
