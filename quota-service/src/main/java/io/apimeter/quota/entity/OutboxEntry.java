package io.apimeter.quota.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An event waiting to be relayed to Kafka, written in the same transaction as the change it announces. */
@Entity
@Table(name = "outbox")
public class OutboxEntry {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "topic")
    public String topic;

    @Column(name = "message_key")
    public String messageKey;

    @Column(name = "event_id")
    public UUID eventId;

    /** CloudEvents type, e.g. {@code apimeter.alert.v1}. */
    @Column(name = "event_type")
    public String eventType;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    /** The event as JSON, exactly as it goes on the topic. */
    @Column(name = "payload")
    public String payload;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "attempts")
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    /** W3C trace context of the transaction that wrote the row, sent as the record's header; null for none. */
    @Column(name = "traceparent")
    public String traceparent;

    @Column(name = "tracestate")
    public String tracestate;
}
