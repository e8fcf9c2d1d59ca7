package io.apimeter.aggregation.entity;

import io.apimeter.events.Provider;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** Totals of one customer's calls to one provider in one billing month. Written only by {@code UsageAggregator}. */
@Entity
@Table(name = "monthly_usage")
@IdClass(MonthlyUsage.Key.class)
public class MonthlyUsage extends PanacheEntityBase {

    /** Billing month, {@code YYYY-MM} (UTC). */
    @Id
    @Column(name = "month")
    public String month;

    @Id
    @Column(name = "customer_id")
    public String customerId;

    @Id
    @Enumerated(EnumType.STRING)
    @Column(name = "provider")
    public Provider provider;

    @Column(name = "calls")
    public long calls;

    @Column(name = "errors")
    public long errors;

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

    @Column(name = "cost_usd")
    public BigDecimal costUsd;

    @Column(name = "unpriced_calls")
    public long unpricedCalls;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The primary key: month, customer, provider. */
    public static class Key implements Serializable {
        public String month;
        public String customerId;
        public Provider provider;

        public Key() {
        }

        public Key(String month, String customerId, Provider provider) {
            this.month = month;
            this.customerId = customerId;
            this.provider = provider;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(month, key.month)
                    && Objects.equals(customerId, key.customerId) && provider == key.provider;
        }

        @Override
        public int hashCode() {
            return Objects.hash(month, customerId, provider);
        }
    }
}
