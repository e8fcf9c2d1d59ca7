package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A platform API key. The key itself is never stored: only its prefix and its keyed hash. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "customer_id")
    public String customerId;
    public String prefix;
    @Column(name = "key_hash")
    public byte[] keyHash;
    public String name;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    public static ApiKey findByPrefix(String prefix) {
        return find("prefix", prefix).firstResult();
    }
}
