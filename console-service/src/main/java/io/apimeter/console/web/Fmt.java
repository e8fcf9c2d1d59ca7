package io.apimeter.console.web;

import io.quarkus.qute.TemplateExtension;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting for the templates: {@code {fmt:money(x)}}. Money is BigDecimal, times UTC. */
@TemplateExtension(namespace = "fmt")
public final class Fmt {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    public static BigDecimal decimal(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d;
        }
        try {
            return new BigDecimal(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** To the cent: {@code $18.60}. */
    public static String money(Object value) {
        BigDecimal d = decimal(value);
        return d == null ? "—" : "$" + d.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** A signed amount to the cent: {@code +$1.20}, {@code -$0.40}. */
    public static String signedMoney(Object value) {
        BigDecimal d = decimal(value);
        if (d == null) {
            return "—";
        }
        BigDecimal cents = d.setScale(2, RoundingMode.HALF_UP);
        return (cents.signum() < 0 ? "-$" : "+$") + cents.abs().toPlainString();
    }

    /** A call's exact cost, at least to the cent: {@code $0.057}, {@code $18.60}. */
    public static String cost(Object value) {
        BigDecimal d = decimal(value);
        if (d == null) {
            return "—";
        }
        BigDecimal stripped = d.stripTrailingZeros();
        return "$" + (stripped.scale() < 2 ? d.setScale(2, RoundingMode.UNNECESSARY) : stripped).toPlainString();
    }

    /** A count with thousands separators: {@code 1,204}. */
    public static String num(Object value) {
        BigDecimal d = decimal(value);
        if (d == null) {
            return "—";
        }
        DecimalFormat format = new DecimalFormat("#,##0.######", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return format.format(d);
    }

    public static String percent(Object value) {
        BigDecimal d = decimal(value);
        return d == null ? "—" : d.toPlainString() + "%";
    }

    public static String time(Object value) {
        if (value == null) {
            return "—";
        }
        try {
            return TIME.format(Instant.parse(value.toString()));
        } catch (RuntimeException e) {
            return value.toString();
        }
    }

    /** A width for a bar, 0 to 100, from a percent (which may be above 100). */
    public static String width(Object value) {
        BigDecimal d = decimal(value);
        if (d == null || d.signum() < 0) {
            return "0";
        }
        return d.min(BigDecimal.valueOf(100)).toPlainString();
    }

    public static String orDash(Object value) {
        return value == null || value.toString().isEmpty() ? "—" : value.toString();
    }

    public static String lower(Object value) {
        return value == null ? "" : value.toString().toLowerCase(Locale.ROOT);
    }

    /** The state of a limit as a CSS class: ok, warning or exceeded. */
    public static String state(Object state, Object exceeded) {
        if (Boolean.TRUE.equals(exceeded) || "EXCEEDED".equals(state)) {
            return "exceeded";
        }
        return "WARNING".equals(state) ? "warning" : "ok";
    }

    public static String dimension(Object value) {
        if (value == null) {
            return "";
        }
        return switch (value.toString()) {
            case "OPENAI_TOKENS" -> "OpenAI tokens";
            case "ELEVENLABS_CHARACTERS" -> "ElevenLabs characters";
            case "SMARTFLO_MINUTES" -> "Smartflo minutes";
            case "TOTAL_COST_USD" -> "Total cost";
            case "REQUESTS_PER_MINUTE" -> "Requests per minute";
            case "PLATFORM_COST" -> "Platform cost";
            default -> value.toString();
        };
    }

    /** A used or limit amount in its dimension's unit: dollars for cost, a number otherwise. */
    public static String amount(Object value, Object dimension) {
        if (value == null) {
            return "no limit";
        }
        return "TOTAL_COST_USD".equals(dimension) ? money(value) : num(value);
    }
}
