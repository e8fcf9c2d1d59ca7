package io.apimeter.quota.service;

import java.math.BigDecimal;

/** Decimal values as the API and the events show them: no trailing zeros, never in exponent notation. */
public final class Decimals {
    private Decimals() {
    }

    /** The same value with the fewest decimals, e.g. {@code 100.000000000000} becomes {@code 100}. */
    public static BigDecimal normalize(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    public static String plain(BigDecimal value) {
        return value == null ? null : normalize(value).toPlainString();
    }
}
