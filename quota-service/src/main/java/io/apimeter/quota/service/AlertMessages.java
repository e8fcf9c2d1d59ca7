package io.apimeter.quota.service;

import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** The sentence an alert carries, e.g. "acme has used 80.5% of its monthly OpenAI token limit (...)". */
public final class AlertMessages {
    private AlertMessages() {
    }

    public static String describe(String customerId, AlertType type, DimensionUsage usage) {
        String limitName = "monthly " + label(usage.dimension()) + " limit";
        String amounts = "(" + amounts(usage.dimension(), usage.used(), usage.limit()) + ")";
        // Against a limit of zero a percent says nothing (it is 100 whatever was used): the amounts say it all.
        BigDecimal percent = usage.limit() == null || usage.limit().signum() == 0 ? null : usage.percent();
        if (type == AlertType.EXCEEDED) {
            return percent == null
                    ? customerId + " has exceeded its " + limitName + " " + amounts
                    : customerId + " has exceeded its " + limitName + ": " + number(percent) + "% used " + amounts;
        }
        return percent == null
                ? customerId + " has reached the warning level of its " + limitName + " " + amounts
                : customerId + " has used " + number(percent) + "% of its " + limitName + " " + amounts;
    }

    static String label(QuotaDimension dimension) {
        return switch (dimension) {
            case OPENAI_TOKENS -> "OpenAI token";
            case ELEVENLABS_CHARACTERS -> "ElevenLabs character";
            case SMARTFLO_MINUTES -> "Smartflo minute";
            case TOTAL_COST_USD -> "cost";
            case REQUESTS_PER_MINUTE -> "requests per minute";
        };
    }

    /** "805,000 of 1,000,000 tokens", "$80.50 of $100.00". */
    static String amounts(QuotaDimension dimension, BigDecimal used, BigDecimal limit) {
        return switch (dimension) {
            case OPENAI_TOKENS -> number(used) + " of " + number(limit) + " tokens";
            case ELEVENLABS_CHARACTERS -> number(used) + " of " + number(limit) + " characters";
            case SMARTFLO_MINUTES -> number(used) + " of " + number(limit) + " minutes";
            case TOTAL_COST_USD -> money(used) + " of " + money(limit);
            case REQUESTS_PER_MINUTE -> number(used) + " of " + number(limit) + " requests";
        };
    }

    static String money(BigDecimal value) {
        return "$" + format("#,##0.00##########", value);
    }

    static String number(BigDecimal value) {
        return format("#,##0.##########", value);
    }

    private static String format(String pattern, BigDecimal value) {
        DecimalFormat format = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.US));
        format.setParseBigDecimal(true);
        return format.format(value);
    }
}
