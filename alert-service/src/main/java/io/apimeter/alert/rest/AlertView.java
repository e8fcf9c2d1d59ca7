package io.apimeter.alert.rest;

import io.apimeter.alert.entity.Alert;
import io.apimeter.alert.entity.Notification;
import io.apimeter.alert.service.AlertService;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An alert as the API shows it; used and limit as decimal strings.
 *
 * @param seenBy        who marked it seen (the username in that person's token, or its subject), or null
 * @param resolvedBy    who resolved it, or null
 * @param notifications the mails sent about it; empty for a customer, since they go to the platform's admins
 */
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
        String seenBy,
        Instant resolvedAt,
        String resolvedBy,
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
        return of(details, true);
    }

    /** The alert, with its notifications only if {@code withNotifications} (they name the admins' addresses). */
    static AlertView of(AlertService.AlertDetails details, boolean withNotifications) {
        Alert a = details.alert();
        List<NotificationView> notifications = withNotifications
                ? details.notifications().stream().map(NotificationView::of).toList()
                : List.of();
        return new AlertView(a.id, a.type, a.customerId, a.dimension, a.month, a.thresholdPercent, plain(a.used),
                plain(a.limitValue), a.message, a.status, a.occurredAt, a.createdAt, a.seenAt, a.seenBy,
                a.resolvedAt, a.resolvedBy, notifications);
    }

    private static String plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
