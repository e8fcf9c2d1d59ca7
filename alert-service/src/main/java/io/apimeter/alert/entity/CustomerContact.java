package io.apimeter.alert.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A customer's contact as last published on the {@code customers} topic. */
@Entity
@Table(name = "customer_contact")
public class CustomerContact {
    @Id
    @Column(name = "customer_id")
    public String customerId;

    public String name;

    /** Where the customer's notifications go; null when the record named no usable address. */
    @Column(name = "contact_email")
    public String contactEmail;

    /** {@code ACTIVE} or {@code DISABLED}. */
    public String status;

    /** The record's updatedAt: a record is applied only if it is newer. */
    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "received_at")
    public Instant receivedAt;
}
