package io.apimeter.alert.rest;

import io.apimeter.alert.entity.Alert;
import io.apimeter.alert.entity.Notification;
import io.apimeter.alert.service.AlertService;
import io.apimeter.alert.service.NotificationAudience;
import io.apimeter.alert.service.NotificationChannel;
import io.apimeter.alert.service.NotificationStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An alert as the API shows it; used and limit as decimal strings.
 *
 * @param seenBy        who marked it seen (the username in that person's token, or its subject), or null
 * @param resolvedBy    who resolved it, or null
 * @param notifications the messages about it: for an admin every one; for a customer only those that went to
 *                      the customer itself (its contact, its webhook), without the recipient
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
     * @param channel       EMAIL or WEBHOOK
     * @param audience      ADMIN (the platform's admins) or CUSTOMER (the customer the alert is about)
     * @param recipient     the address or webhook URL; admins only (null for a customer)
     * @param status        PENDING, SENT or FAILED
     * @param attempts      attempts made so far
     * @param nextAttemptAt when a PENDING one is tried next
     * @param lastError     why the last attempt failed, null once sent; never a secret; for a customer only
     *                      on its webhook's rows
     */
    public record NotificationView(
            String channel,
            String audience,
            String recipient,
            String status,
            int attempts,
            Instant nextAttemptAt,
            Instant sentAt,
            String lastError) {

        static NotificationView of(Notification n, boolean admin) {
            // a customer learns why its webhook failed (its own endpoint), never details of the platform's mail relay
            String error = admin || NotificationChannel.WEBHOOK.name().equals(n.channel) ? n.lastError : null;
            return new NotificationView(n.channel, n.audience, admin ? n.recipient : null, n.status, n.attempts,
                    NotificationStatus.PENDING.name().equals(n.status) ? n.nextAttemptAt : null, n.sentAt, error);
        }
    }

    static AlertView of(AlertService.AlertDetails details) {
        return of(details, true);
    }

    /**
     * The alert as an admin ({@code admin}) or its customer sees it: a customer sees only the notifications that
     * went to the customer itself, without their recipients, never the admins' ones.
     */
    static AlertView of(AlertService.AlertDetails details, boolean admin) {
        Alert a = details.alert();
        List<NotificationView> notifications = details.notifications().stream()
                .filter(n -> admin || NotificationAudience.CUSTOMER.name().equals(n.audience))
                .map(n -> NotificationView.of(n, admin))
                .toList();
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
