package io.apimeter.alert.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One message about one alert to one recipient, and how sending it went. */
@Entity
@Table(name = "notification")
public class Notification {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "alert_id")
    public UUID alertId;

    /** A {@link io.apimeter.alert.service.NotificationChannel} name: {@code EMAIL} or {@code WEBHOOK}. */
    public String channel;

    /** A {@link io.apimeter.alert.service.NotificationAudience} name: the admins, or the customer concerned. */
    public String audience;

    /** An email address, or the URL of the webhook the row was last sent to. */
    public String recipient;

    /** The webhook the row was last sent to; null for mail. */
    @Column(name = "webhook_id")
    public UUID webhookId;

    /** A {@link io.apimeter.alert.service.NotificationStatus} name. */
    public String status;

    public int attempts;

    /** When the row is due; while a sender has claimed it, when that claim runs out. */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    /** The sender run that claimed the row, or null. */
    @Column(name = "claim_token")
    public UUID claimToken;

    /** Why the last attempt failed; never contains credentials. */
    @Column(name = "last_error")
    public String lastError;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "created_at")
    public Instant createdAt;
}
