package io.apimeter.alert.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** The one webhook of a customer. Its signing secret is derived, never stored. */
@Entity
@Table(name = "webhook")
public class Webhook {
    /** New for every PUT, so that replacing a webhook also replaces its secret. */
    @Id
    public UUID id;

    @Column(name = "customer_id")
    public String customerId;

    public String url;

    @Column(name = "created_at")
    public Instant createdAt;
}
