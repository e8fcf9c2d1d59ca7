package io.apimeter.quota.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** A customer's counters for one UTC calendar month. */
@Entity
@Table(name = "monthly_usage")
@IdClass(MonthlyUsage.Key.class)
public class MonthlyUsage {
    @Id
    @Column(name = "customer_id")
    public String customerId;

    /** {@code YYYY-MM}. */
    @Id
    @Column(name = "month")
    public String month;

    @Column(name = "openai_tokens")
    public long openaiTokens;

    @Column(name = "elevenlabs_characters")
    public long elevenlabsCharacters;

    @Column(name = "smartflo_seconds")
    public long smartfloSeconds;

    @Column(name = "cost_usd")
    public BigDecimal costUsd;

    @Column(name = "calls")
    public long calls;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static class Key implements Serializable {
        public String customerId;
        public String month;

        public Key() {
        }

        public Key(String customerId, String month) {
            this.customerId = customerId;
            this.month = month;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(customerId, key.customerId)
                    && Objects.equals(month, key.month);
        }

        @Override
        public int hashCode() {
            return Objects.hash(customerId, month);
        }
    }
}
