package io.apimeter.aggregation.service;

import java.math.BigDecimal;

/** Money as the API writes it. */
public final class Money {
    private Money() {
    }

    /** Exact decimal text without exponent or trailing zeros ("0.057", never "5.7E-2"); null stays null. */
    public static String format(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    /** A percentage with its two decimals kept ("12.50"); null stays null. */
    public static String percent(BigDecimal percent) {
        return percent == null ? null : percent.toPlainString();
    }
}
