package io.apimeter.quota.service;

import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * One dimension of a customer: what was used against the limit in force.
 *
 * @param dimension which quota
 * @param measured  usage in the unit it is counted in: tokens, characters, call seconds (for
 *                  {@link QuotaDimension#SMARTFLO_MINUTES}), USD, or requests in one minute (for
 *                  {@link QuotaDimension#REQUESTS_PER_MINUTE})
 * @param limit     the limit in the dimension's unit (minutes for Smartflo), null when unlimited
 */
public record DimensionUsage(QuotaDimension dimension, BigDecimal measured, BigDecimal limit) {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final BigDecimal ZERO_LIMIT_PERCENT = new BigDecimal("100.00");
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);
    /** Smartflo minutes are shown, published and compared with up to six decimals. */
    private static final int MINUTE_SCALE = 6;

    public DimensionUsage {
        if (measured == null) {
            measured = BigDecimal.ZERO;
        }
    }

    /** Usage in the dimension's unit, as shown to people. */
    public BigDecimal used() {
        BigDecimal used = isMinutes() ? measured.divide(SECONDS_PER_MINUTE, MINUTE_SCALE, RoundingMode.HALF_UP) : measured;
        return Decimals.normalize(used);
    }

    /**
     * used / limit in percent, rounded <b>down</b> to two decimals, so that 100.00 appears only once the limit is
     * reached (499,999 of 500,000 is 99.99, never 100.00); 100.00 for a limit of zero, which is reached from the
     * start (nothing used is 0 >= 0, as the gateway reads it); null when unlimited. The same value goes to the
     * REST status, the quota-status topic and the platform status.
     */
    public BigDecimal percent() {
        if (limit == null) {
            return null;
        }
        if (limit.signum() == 0) {
            return ZERO_LIMIT_PERCENT;
        }
        return compared().multiply(HUNDRED).divide(limit, 2, RoundingMode.DOWN);
    }

    /**
     * Whether usage is at or above {@code percent} of the limit, compared exactly (no rounding of the percent):
     * {@code used * 100 >= limit * percent}. Nothing used never reaches a threshold of a limit above zero; a limit
     * of zero is reached, whatever was used.
     */
    public boolean reached(int percent) {
        if (limit == null) {
            return false;
        }
        return compared().multiply(HUNDRED).compareTo(limit.multiply(BigDecimal.valueOf(percent))) >= 0;
    }

    /**
     * Whether the limit is reached: a monthly dimension at or above 100% ({@code used >= limit}, the gateway's rule
     * for BLOCK, a limit of zero included); requests per minute only above the limit (a limit of 60 allows 60
     * requests in a minute).
     */
    public boolean exceeded() {
        if (dimension == QuotaDimension.REQUESTS_PER_MINUTE) {
            return limit != null && measured.compareTo(limit) > 0;
        }
        return reached(100);
    }

    /** OK, WARNING (at or above the warning percent) or EXCEEDED. */
    public State state(int warnAtPercent) {
        if (exceeded()) {
            return State.EXCEEDED;
        }
        return reached(warnAtPercent) ? State.WARNING : State.OK;
    }

    /** The unit of {@link #used()} and of the limit, as the status API names it. */
    public String unit() {
        return unit(dimension);
    }

    public static String unit(QuotaDimension dimension) {
        return switch (dimension) {
            case OPENAI_TOKENS -> "tokens";
            case ELEVENLABS_CHARACTERS -> "characters";
            case SMARTFLO_MINUTES -> "minutes";
            case TOTAL_COST_USD -> "USD";
            case REQUESTS_PER_MINUTE -> "requests/minute";
        };
    }

    /** Where a dimension stands against its limit. */
    public enum State {
        OK, WARNING, EXCEEDED
    }

    /** The alerts this standing calls for, WARNING before EXCEEDED; which of them already fired is not known here. */
    public List<AlertType> due(int warnAtPercent) {
        List<AlertType> due = new ArrayList<>(2);
        if (reached(warnAtPercent)) {
            due.add(AlertType.WARNING);
        }
        if (reached(100)) {
            due.add(AlertType.EXCEEDED);
        }
        return due;
    }

    private boolean isMinutes() {
        return dimension == QuotaDimension.SMARTFLO_MINUTES;
    }

    /**
     * Usage as it is compared with the limit: in the dimension's unit as published ({@link #used()}: Smartflo
     * minutes to six decimals), so that quota-service and the gateway, which compares the published used with the
     * limit, read a limit the same way.
     */
    private BigDecimal compared() {
        return isMinutes() ? used() : measured;
    }
}
