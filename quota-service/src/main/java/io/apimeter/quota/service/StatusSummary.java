package io.apimeter.quota.service;

import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sentence a person reads about a customer's month, e.g. "62% of token limit used, $18.60 of $200 budget
 * used". Limited dimensions say how much of the limit is used (cost in dollars of the budget); unlimited ones
 * with usage say what was used ("1,204 characters used (no limit)"); unlimited ones without usage are left out.
 */
public final class StatusSummary {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private StatusSummary() {
    }

    public static String of(MonthlyReport report) {
        List<String> parts = new ArrayList<>();
        boolean anyLimit = false;
        for (DimensionUsage dimension : report.dimensions()) {
            anyLimit |= dimension.limit() != null;
            String part = part(dimension);
            if (part != null) {
                parts.add(part);
            }
        }
        String sentence;
        if (parts.isEmpty()) {
            sentence = "Nothing used in " + report.month() + (anyLimit ? "" : " (no limits)");
        } else {
            sentence = String.join(", ", parts);
            sentence = Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
        }
        if (report.blocked()) {
            sentence += "; calls are blocked until a limit is raised or the month ends";
        }
        if (report.rateLimitedUntil() != null) {
            sentence += "; calls are rate limited until " + TIME.format(report.rateLimitedUntil());
        }
        return sentence;
    }

    private static String part(DimensionUsage dimension) {
        BigDecimal used = dimension.used();
        BigDecimal limit = dimension.limit();
        if (dimension.dimension() == QuotaDimension.TOTAL_COST_USD) {
            if (limit != null) {
                return money(used) + " of " + money(limit) + " budget used";
            }
            return used.signum() > 0 ? money(used) + " spent (no budget)" : null;
        }
        if (limit == null) {
            return used.signum() > 0 ? number(used) + " " + units(dimension.dimension()) + " used (no limit)" : null;
        }
        if (limit.signum() == 0) {
            return number(used) + " " + units(dimension.dimension()) + " used (limit 0)";
        }
        return percent(dimension.percent()) + " of " + limitName(dimension.dimension()) + " used";
    }

    private static String units(QuotaDimension dimension) {
        return switch (dimension) {
            case OPENAI_TOKENS -> "tokens";
            case ELEVENLABS_CHARACTERS -> "characters";
            case SMARTFLO_MINUTES -> "call minutes";
            case TOTAL_COST_USD -> "USD";
            case REQUESTS_PER_MINUTE -> "requests";
        };
    }

    private static String limitName(QuotaDimension dimension) {
        return switch (dimension) {
            case OPENAI_TOKENS -> "token limit";
            case ELEVENLABS_CHARACTERS -> "character limit";
            case SMARTFLO_MINUTES -> "call minute limit";
            case TOTAL_COST_USD -> "budget";
            case REQUESTS_PER_MINUTE -> "requests per minute";
        };
    }

    /** "$200" for whole dollars, else "$18.60" (up to four decimals: "$0.0005"). */
    public static String money(BigDecimal value) {
        BigDecimal normalized = Decimals.normalize(value);
        return "$" + format(normalized.scale() == 0 ? "#,##0" : "#,##0.00##", normalized);
    }

    /** "62%", "80.5%", "33.33%". */
    public static String percent(BigDecimal value) {
        return format("#,##0.##", value) + "%";
    }

    static String number(BigDecimal value) {
        return format("#,##0.######", value);
    }

    private static String format(String pattern, BigDecimal value) {
        DecimalFormat format = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.US));
        format.setParseBigDecimal(true);
        return format.format(value);
    }
}
