package io.apimeter.aggregation.service;

import java.util.Locale;

/** What the month's list is ordered by; ties are broken by customer id. */
public enum SummarySort {
    COST,
    CALLS,
    /** Input plus output tokens. */
    TOKENS,
    ERRORS,
    /** The customer id itself. */
    CUSTOMER;

    /**
     * The value of the query parameter ({@code cost}, {@code calls}, {@code tokens}, {@code errors},
     * {@code customer}); null when unknown.
     */
    public static SummarySort parse(String value) {
        for (SummarySort sort : values()) {
            if (sort.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
                return sort;
            }
        }
        return null;
    }
}
