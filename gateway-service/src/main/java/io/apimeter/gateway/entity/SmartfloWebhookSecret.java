package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A customer's Smartflo webhook secret, encrypted like a provider credential; the previous one is still accepted
 * for a while after a rotation. Never shown again once issued.
 */
@Entity
@Table(name = "smartflo_webhook_secret")
public class SmartfloWebhookSecret extends PanacheEntityBase {
    @Id
    @Column(name = "customer_id")
    public String customerId;
    @Column(name = "key_id")
    public String keyId;
    public byte[] iv;
    public byte[] ciphertext;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "previous_key_id")
    public String previousKeyId;
    @Column(name = "previous_iv")
    public byte[] previousIv;
    @Column(name = "previous_ciphertext")
    public byte[] previousCiphertext;
    @Column(name = "previous_valid_until")
    public Instant previousValidUntil;
}
