package io.apimeter.alert.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** An alert as received from {@code alert-events}, with where people are in handling it. */
@Entity
@Table(name = "alert")
public class Alert {
    /** The AlertEvent's eventId. */
    @Id
    public UUID id;

    /** An {@link io.apimeter.events.AlertType} name. */
    public String type;

    @Column(name = "customer_id")
    public String customerId;

    /** A {@link io.apimeter.events.QuotaDimension} name, or null. */
    public String dimension;

    /** {@code YYYY-MM}, or null. */
    public String month;

    @Column(name = "threshold_percent")
    public Integer thresholdPercent;

    public BigDecimal used;

    @Column(name = "limit_value")
    public BigDecimal limitValue;

    public String message;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "cause_event_id")
    public UUID causeEventId;

    /** An {@link io.apimeter.alert.service.AlertStatus} name. */
    public String status;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "seen_at")
    public Instant seenAt;

    /** Who marked it seen: the username in the person's token, or its subject. */
    @Column(name = "seen_by")
    public String seenBy;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    /** Who resolved it: the username in the person's token, or its subject. */
    @Column(name = "resolved_by")
    public String resolvedBy;
}
