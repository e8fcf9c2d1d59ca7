package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A call placed through Smartflo click-to-call; its billed seconds arrive later in a call record. */
@Entity
@Table(name = "smartflo_call")
public class SmartfloCall extends PanacheEntityBase {
    @Id
    @Column(name = "call_id")
    public String callId;
    @Column(name = "customer_id")
    public String customerId;
    @Column(name = "api_key_id")
    public String apiKeyId;
    @Column(name = "placed_at")
    public Instant placedAt;
    @Column(name = "billed_at")
    public Instant billedAt;
    @Column(name = "billed_seconds")
    public Long billedSeconds;
}
