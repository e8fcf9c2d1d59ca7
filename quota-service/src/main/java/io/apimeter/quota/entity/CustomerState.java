package io.apimeter.quota.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Per customer: the row every event and quota change of that customer locks first, so that replicas apply
 * them one after the other, and the facts that span months.
 */
@Entity
@Table(name = "customer_state")
public class CustomerState {
    @Id
    @Column(name = "customer_id")
    public String customerId;

    /** The earliest occurredAt seen: where the customer's history starts. */
    @Column(name = "first_seen_at")
    public Instant firstSeenAt;

    /** occurredAt of the call that raised the last UNUSUAL_ACTIVITY alert. */
    @Column(name = "last_unusual_at")
    public Instant lastUnusualAt;

    /** The decision-relevant part of the last quota-status published; null before the first. */
    @Column(name = "status_fingerprint")
    public String statusFingerprint;

    /** updatedAt of the last quota-status published; the next one is later. */
    @Column(name = "status_updated_at")
    public Instant statusUpdatedAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
