package io.apimeter.common.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parsing of query and path parameters into typed values, with a 400 answer that says what is wrong. */
public final class Params {
    /** Customer ids: letters, digits, dot, dash and underscore, 1 to 64 characters. */
    public static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Params() {
    }

    public static YearMonth month(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid_" + name, name + " is required, as YYYY-MM");
        }
        try {
            return YearMonth.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + name, name + " must be a month as YYYY-MM, got '" + clip(value) + "'");
        }
    }

    public static YearMonth monthOrCurrent(String name, String value) {
        return value == null || value.isBlank() ? YearMonth.now(java.time.ZoneOffset.UTC) : month(name, value);
    }

    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + name,
                    name + " must be an ISO-8601 UTC instant such as 2026-11-01T00:00:00Z, got '" + clip(value) + "'");
        }
    }

    public static int intInRange(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid_" + name, name + " must be a whole number from " + min + " to " + max);
    }

    public static String customerId(String name, String value) {
        if (value == null || !CUSTOMER_ID.matcher(value).matches()) {
            throw ApiException.badRequest("invalid_" + name,
                    name + " must be 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit");
        }
        return value;
    }

    public static <E extends Enum<E>> E enumValue(String name, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_" + name, name + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()) + ", got '" + clip(value) + "'");
        }
    }

    /** A limit value: null (unlimited) or a non-negative decimal. */
    public static BigDecimal nonNegative(String name, BigDecimal value) {
        if (value != null && value.signum() < 0) {
            throw ApiException.badRequest("invalid_" + name, name + " must not be negative");
        }
        return value;
    }

    /** Echoes at most 40 characters of client input in an error message. */
    public static String clip(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
