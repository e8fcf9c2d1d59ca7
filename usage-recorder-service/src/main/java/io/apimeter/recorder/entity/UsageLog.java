package io.apimeter.recorder.entity;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One metered call, as the gateway reported it. Written only through {@code UsageLogWriter}. */
@Entity
@Table(name = "usage_log")
public class UsageLog extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "customer_id")
    public String customerId;

    @Column(name = "api_key_id")
    public String apiKeyId;

    @Enumerated(EnumType.STRING)
    @Column(name = "provider")
    public Provider provider;

    @Column(name = "operation")
    public String operation;

    @Column(name = "model")
    public String model;

    @Column(name = "priced_model")
    public String pricedModel;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "latency_ms")
    public long latencyMs;

    @Column(name = "http_status")
    public int httpStatus;

    @Enumerated(EnumType.STRING)
    @Column(name = "outcome")
    public Outcome outcome;

    @Column(name = "input_tokens")
    public long inputTokens;

    @Column(name = "output_tokens")
    public long outputTokens;

    @Column(name = "cached_input_tokens")
    public long cachedInputTokens;

    @Column(name = "reasoning_tokens")
    public long reasoningTokens;

    @Column(name = "characters")
    public long characters;

    @Column(name = "call_seconds")
    public long callSeconds;

    @Column(name = "estimated")
    public boolean estimated;

    @Column(name = "cost_usd")
    public BigDecimal costUsd;

    @Column(name = "unpriced")
    public boolean unpriced;

    @Column(name = "price_id")
    public String priceId;

    @Column(name = "price_version")
    public Integer priceVersion;

    @Column(name = "recorded_at")
    public Instant recordedAt;
}
