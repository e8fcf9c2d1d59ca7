package io.apimeter.alert.service;

import io.apimeter.alert.entity.Alert;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Subject, text and HTML of the mail about one alert. */
public record AlertMail(String subject, String text, String html) {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public static AlertMail of(Alert alert) {
        return new AlertMail(subject(alert), text(alert), html(alert));
    }

    /** e.g. {@code [apimeter] WARNING: acme at 80% of OpenAI tokens}. */
    static String subject(Alert alert) {
        String customer = oneLine(alert.customerId);
        if (alert.dimension != null && alert.thresholdPercent != null) {
            return "[apimeter] " + alert.type + ": " + customer + " at " + alert.thresholdPercent + "% of "
                    + dimensionLabel(alert.dimension);
        }
        return "[apimeter] " + alert.type + ": " + customer + " - " + clip(oneLine(alert.message), 120);
    }

    static String text(Alert alert) {
        StringBuilder text = new StringBuilder();
        text.append(alert.message).append("\n\n");
        for (String[] row : rows(alert)) {
            text.append(String.format("%-11s %s%n", row[0] + ":", row[1]));
        }
        text.append("\nMark it seen or resolve it in the apimeter console (alerts).\n");
        return text.toString();
    }

    static String html(Alert alert) {
        StringBuilder html = new StringBuilder();
        html.append("<html><body style=\"font-family: sans-serif\">")
                .append("<p>").append(escape(alert.message)).append("</p>")
                .append("<table cellpadding=\"4\" style=\"border-collapse: collapse\">");
        for (String[] row : rows(alert)) {
            html.append("<tr><th align=\"left\">").append(escape(row[0])).append("</th><td>")
                    .append(escape(row[1])).append("</td></tr>");
        }
        html.append("</table><p>Mark it seen or resolve it in the apimeter console (alerts).</p></body></html>");
        return html.toString();
    }

    private static String[][] rows(Alert alert) {
        return new String[][] {
                {"Customer", alert.customerId},
                {"Alert", alert.type},
                {"Dimension", alert.dimension == null ? "-" : dimensionLabel(alert.dimension)},
                {"Used", plain(alert.used)},
                {"Limit", plain(alert.limitValue)},
                {"Percent", percent(alert)},
                {"Threshold", alert.thresholdPercent == null ? "-" : alert.thresholdPercent + "%"},
                {"Month", alert.month == null ? "-" : alert.month},
                {"Time", alert.occurredAt.toString()},
                {"Alert id", alert.id.toString()},
        };
    }

    /** used / limit in percent, two decimals; "-" where it cannot be computed. */
    static String percent(Alert alert) {
        if (alert.used == null || alert.limitValue == null || alert.limitValue.signum() == 0) {
            return "-";
        }
        return alert.used.multiply(HUNDRED).divide(alert.limitValue, 2, RoundingMode.HALF_UP).toPlainString() + "%";
    }

    static String dimensionLabel(String dimension) {
        return switch (dimension) {
            case "OPENAI_TOKENS" -> "OpenAI tokens";
            case "ELEVENLABS_CHARACTERS" -> "ElevenLabs characters";
            case "SMARTFLO_MINUTES" -> "Smartflo minutes";
            case "TOTAL_COST_USD" -> "total cost (USD)";
            case "REQUESTS_PER_MINUTE" -> "requests per minute";
            default -> dimension;
        };
    }

    private static String plain(BigDecimal value) {
        if (value == null) {
            return "-";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    /** Header values must not break lines (no header injection through a customer id or message). */
    private static String oneLine(String value) {
        return value == null ? "" : value.replaceAll("[\\r\\n\\t]+", " ").trim();
    }

    private static String clip(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 3) + "...";
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
