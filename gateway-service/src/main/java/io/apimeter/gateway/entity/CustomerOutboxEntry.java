package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A Customer v1 record waiting to go to the {@code customers} topic, written in the same transaction as the
 * change of the customer it announces.
 */
@Entity
@Table(name = "customer_outbox")
public class CustomerOutboxEntry extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "customer_id")
    public String customerId;
    /** The record's CloudEvents id ({@code ce_id}). */
    @Column(name = "event_id")
    public UUID eventId;
    /** The record as JSON, exactly as it goes on the topic. */
    public String payload;
    /** The customer's updatedAt the record carries ({@code ce_time}). */
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "sent_at")
    public Instant sentAt;
    public int attempts;
    @Column(name = "last_error")
    public String lastError;
}
