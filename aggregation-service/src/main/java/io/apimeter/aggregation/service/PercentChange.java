package io.apimeter.aggregation.service;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Month-against-month change. */
public final class PercentChange {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private PercentChange() {
    }

    /**
     * (current - previous) / previous in percent, two decimals, half up; null when there is nothing to compare
     * with (the previous amount is zero or unknown), since any growth from zero is not a percentage.
     */
    public static BigDecimal of(BigDecimal current, BigDecimal previous) {
        if (previous == null || previous.signum() == 0) {
            return null;
        }
        BigDecimal now = current == null ? BigDecimal.ZERO : current;
        return now.subtract(previous).multiply(HUNDRED).divide(previous, 2, RoundingMode.HALF_UP);
    }
}
