package io.apimeter.quota.service;

import java.math.BigDecimal;

/**
 * A customer's limits as a client sets them, already validated. A null limit is unlimited.
 *
 * @param smartfloMinutes call minutes, decimal
 * @param totalCostUsd    USD, decimal
 * @param warnAtPercent   1 to 99: the percentage of a limit that raises a WARNING
 */
public record QuotaSettings(
        Long openaiTokens,
        Long elevenlabsCharacters,
        BigDecimal smartfloMinutes,
        BigDecimal totalCostUsd,
        Integer requestsPerMinute,
        int warnAtPercent,
        Enforcement enforcement) {

    public static final int DEFAULT_WARN_AT_PERCENT = 80;
}
