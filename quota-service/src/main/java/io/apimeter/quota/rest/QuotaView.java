package io.apimeter.quota.rest;

import io.apimeter.quota.entity.Quota;
import io.apimeter.quota.service.Decimals;
import java.time.Instant;

/** A quota as the API shows it; decimals as strings, null limits are unlimited. */
public record QuotaView(
        String customerId,
        Long openaiTokens,
        Long elevenlabsCharacters,
        String smartfloMinutes,
        String totalCostUsd,
        Integer requestsPerMinute,
        int warnAtPercent,
        String enforcement,
        Instant updatedAt) {

    static QuotaView of(Quota quota) {
        return new QuotaView(quota.customerId, quota.openaiTokens, quota.elevenlabsCharacters,
                Decimals.plain(quota.smartfloMinutes), Decimals.plain(quota.totalCostUsd), quota.requestsPerMinute,
                quota.warnAtPercent, quota.enforcement, quota.updatedAt);
    }
}
