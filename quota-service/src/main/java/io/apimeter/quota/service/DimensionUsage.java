package io.apimeter.quota.service;

import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * One monthly dimension of a customer: what was used against the limit in force.
 *
 * @param dimension which quota
 * @param measured  usage in the unit it is counted in: tokens, characters, call seconds (for
 *                  {@link QuotaDimension#SMARTFLO_MINUTES}) or USD
 * @param limit     the limit in the dimension's unit (minutes for Smartflo), null when unlimited
 */
public record DimensionUsage(QuotaDimension dimension, BigDecimal measured, BigDecimal limit) {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);
    /** Smartflo minutes are shown with up to six decimals; thresholds compare exact seconds. */
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

    /** used / limit in percent, two decimals, HALF_UP; null when unlimited or when the limit is zero. */
    public BigDecimal percent() {
        if (limit == null || limit.signum() == 0) {
            return null;
        }
        return measured.multiply(HUNDRED).divide(limitMeasured(), 2, RoundingMode.HALF_UP);
    }

    /**
     * Whether usage is at or above {@code percent} of the limit, compared exactly (no rounding). Nothing
     * used never reaches a threshold; any usage against a limit of zero reaches every threshold.
     */
    public boolean reached(int percent) {
        if (limit == null || measured.signum() <= 0) {
            return false;
        }
        return measured.multiply(HUNDRED).compareTo(limitMeasured().multiply(BigDecimal.valueOf(percent))) >= 0;
    }

    public boolean exceeded() {
        return reached(100);
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

    private BigDecimal limitMeasured() {
        return isMinutes() ? limit.multiply(SECONDS_PER_MINUTE) : limit;
    }
}
