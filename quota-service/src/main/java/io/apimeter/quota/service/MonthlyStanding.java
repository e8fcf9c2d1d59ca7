package io.apimeter.quota.service;

import io.apimeter.events.QuotaDimension;
import io.apimeter.quota.entity.MonthlyUsage;
import io.apimeter.quota.entity.Quota;
import java.math.BigDecimal;
import java.util.List;

/** The four monthly dimensions of a customer, from its counters (or none) and its quota (or none). */
public final class MonthlyStanding {
    /** The dimensions counted per month, in the order they are listed and evaluated. */
    public static final List<QuotaDimension> MONTHLY = List.of(QuotaDimension.OPENAI_TOKENS,
            QuotaDimension.ELEVENLABS_CHARACTERS, QuotaDimension.SMARTFLO_MINUTES, QuotaDimension.TOTAL_COST_USD);

    private MonthlyStanding() {
    }

    public static List<DimensionUsage> of(MonthlyUsage usage, Quota quota) {
        return MONTHLY.stream().map(dimension -> new DimensionUsage(dimension, measured(usage, dimension),
                limit(quota, dimension))).toList();
    }

    static BigDecimal measured(MonthlyUsage usage, QuotaDimension dimension) {
        if (usage == null) {
            return BigDecimal.ZERO;
        }
        return switch (dimension) {
            case OPENAI_TOKENS -> BigDecimal.valueOf(usage.openaiTokens);
            case ELEVENLABS_CHARACTERS -> BigDecimal.valueOf(usage.elevenlabsCharacters);
            case SMARTFLO_MINUTES -> BigDecimal.valueOf(usage.smartfloSeconds);
            case TOTAL_COST_USD -> usage.costUsd == null ? BigDecimal.ZERO : usage.costUsd;
            case REQUESTS_PER_MINUTE -> throw new IllegalArgumentException("not a monthly dimension");
        };
    }

    static BigDecimal limit(Quota quota, QuotaDimension dimension) {
        if (quota == null) {
            return null;
        }
        return switch (dimension) {
            case OPENAI_TOKENS -> quota.openaiTokens == null ? null : BigDecimal.valueOf(quota.openaiTokens);
            case ELEVENLABS_CHARACTERS -> quota.elevenlabsCharacters == null ? null
                    : BigDecimal.valueOf(quota.elevenlabsCharacters);
            case SMARTFLO_MINUTES -> Decimals.normalize(quota.smartfloMinutes);
            case TOTAL_COST_USD -> Decimals.normalize(quota.totalCostUsd);
            case REQUESTS_PER_MINUTE -> throw new IllegalArgumentException("not a monthly dimension");
        };
    }
}
