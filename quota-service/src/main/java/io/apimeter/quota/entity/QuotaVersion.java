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

/**
 * A customer's quota as it was set at {@code validFrom}, kept so that a month is judged against the limits it
 * had, not against today's. Written by every quota change; never changed afterwards.
 */
@Entity
@Table(name = "quota_version")
@IdClass(QuotaVersion.Key.class)
public class QuotaVersion {
    @Id
    @Column(name = "customer_id")
    public String customerId;

    @Id
    @Column(name = "valid_from")
    public Instant validFrom;

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

    /** The version of a quota just set, valid from {@code validFrom}. */
    public static QuotaVersion of(Quota quota, Instant validFrom) {
        QuotaVersion version = new QuotaVersion();
        version.customerId = quota.customerId;
        version.validFrom = validFrom;
        version.openaiTokens = quota.openaiTokens;
        version.elevenlabsCharacters = quota.elevenlabsCharacters;
        version.smartfloMinutes = quota.smartfloMinutes;
        version.totalCostUsd = quota.totalCostUsd;
        version.requestsPerMinute = quota.requestsPerMinute;
        version.warnAtPercent = quota.warnAtPercent;
        version.enforcement = quota.enforcement;
        return version;
    }

    /** These limits as a quota to judge a month by; not managed, never to be saved. */
    public Quota toQuota() {
        Quota quota = new Quota();
        quota.customerId = customerId;
        quota.openaiTokens = openaiTokens;
        quota.elevenlabsCharacters = elevenlabsCharacters;
        quota.smartfloMinutes = smartfloMinutes;
        quota.totalCostUsd = totalCostUsd;
        quota.requestsPerMinute = requestsPerMinute;
        quota.warnAtPercent = warnAtPercent;
        quota.enforcement = enforcement;
        quota.updatedAt = validFrom;
        return quota;
    }

    public static class Key implements Serializable {
        public String customerId;
        public Instant validFrom;

        public Key() {
        }

        public Key(String customerId, Instant validFrom) {
            this.customerId = customerId;
            this.validFrom = validFrom;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(customerId, key.customerId)
                    && Objects.equals(validFrom, key.validFrom);
        }

        @Override
        public int hashCode() {
            return Objects.hash(customerId, validFrom);
        }
    }
}
