package io.apimeter.quota.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** A customer's monthly limits; a null limit is unlimited. */
@Entity
@Table(name = "quota")
public class Quota {
    @Id
    @Column(name = "customer_id")
    public String customerId;

    @Column(name = "openai_tokens")
    public Long openaiTokens;

    @Column(name = "elevenlabs_characters")
    public Long elevenlabsCharacters;

    @Column(name = "smartflo_minutes")
    public BigDecimal smartfloMinutes;

    @Column(name = "total_cost_usd")
    public BigDecimal totalCostUsd;

    @Column(name = "requests_per_minute")
    public Integer requestsPerMinute;

    @Column(name = "warn_at_percent")
    public int warnAtPercent;

    @Column(name = "enforcement")
    public String enforcement;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
