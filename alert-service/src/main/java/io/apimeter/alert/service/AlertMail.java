package io.apimeter.alert.service;

import io.apimeter.alert.entity.Alert;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Subject, text and HTML of the mail about one alert: what happened, for which customer and month, used,
 * limit and percent, when, and what to do, in plain words and without links. The admins' mail and the
 * customer's mail differ only in the advice and the closing line; neither names other customers or the
 * admins' addresses (the customer's mail only says what the alert itself says).
 */
public record AlertMail(String subject, String text, String html) {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** The admins' mail. */
    public static AlertMail of(Alert alert) {
        return of(alert, NotificationAudience.ADMIN);
    }

    public static AlertMail of(Alert alert, NotificationAudience audience) {
        List<String[]> rows = rows(alert);
        String advice = advice(alert, audience);
        String footer = audience == NotificationAudience.ADMIN
                ? "You receive this mail as an administrator of the apimeter platform. Mark the alert seen or"
                + " resolve it in the apimeter console, under Alerts."
                : "You receive this mail because this address is the contact of " + oneLine(alert.customerId)
                + " on the apimeter platform. Your platform administrator can change where these mails go.";
        return new AlertMail(subject(alert), text(alert, rows, advice, footer), html(alert, rows, advice, footer));
    }

    /** e.g. {@code [apimeter] WARNING: acme used 80% of its OpenAI token limit (2026-11)}. */
    static String subject(Alert alert) {
        String customer = oneLine(alert.customerId);
        String month = alert.month == null ? "" : " (" + oneLine(alert.month) + ")";
        String what;
        if ("PLATFORM_COST".equals(alert.type) && alert.thresholdPercent != null) {
            what = "the platform used " + alert.thresholdPercent + "% of its monthly cost budget" + month;
        } else if ("RATE_LIMIT".equals(alert.type)) {
            what = customer + " went over its requests-per-minute limit" + month;
        } else if (alert.dimension != null && alert.thresholdPercent != null) {
            what = customer + " used " + alert.thresholdPercent + "% of its " + limitName(alert.dimension) + month;
        } else {
            what = customer + " - " + clip(oneLine(alert.message), 120);
        }
        return "[apimeter] " + oneLine(alert.type) + ": " + what;
    }

    private static String text(Alert alert, List<String[]> rows, String advice, String footer) {
        StringBuilder text = new StringBuilder();
        text.append(alert.message).append("\n\n");
        text.append("What happened\n");
        for (String[] row : rows) {
            text.append(String.format(Locale.ROOT, "  %-11s %s%n", row[0] + ":", row[1]));
        }
        text.append("\nWhat to do\n");
        text.append("  ").append(advice).append("\n\n");
        text.append("-- \n").append(footer).append("\n");
        return text.toString();
    }

    private static String html(Alert alert, List<String[]> rows, String advice, String footer) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(subject(alert)))
                .append("</title></head><body style=\"font-family: Arial, Helvetica, sans-serif; color: #222;"
                        + " line-height: 1.4\">")
                .append("<h2 style=\"margin: 0 0 12px; font-size: 18px\">").append(escape(heading(alert)))
                .append("</h2>")
                .append("<p style=\"font-size: 15px\">").append(escape(alert.message)).append("</p>")
                .append("<h3 style=\"font-size: 15px; margin: 18px 0 6px\">What happened</h3>")
                .append("<table cellpadding=\"6\" style=\"border-collapse: collapse; font-size: 14px\">");
        for (String[] row : rows) {
            html.append("<tr><th align=\"left\" style=\"border-bottom: 1px solid #ddd; padding-right: 18px\">")
                    .append(escape(row[0])).append("</th><td style=\"border-bottom: 1px solid #ddd\">")
                    .append(escape(row[1])).append("</td></tr>");
        }
        html.append("</table>")
                .append("<h3 style=\"font-size: 15px; margin: 18px 0 6px\">What to do</h3>")
                .append("<p style=\"font-size: 14px\">").append(escape(advice)).append("</p>")
                .append("<p style=\"font-size: 12px; color: #666; margin-top: 24px\">").append(escape(footer))
                .append("</p></body></html>");
        return html.toString();
    }

    private static String heading(Alert alert) {
        return "platform".equals(alert.customerId) ? describeType(alert.type) + " (platform-wide)"
                : describeType(alert.type) + " for " + alert.customerId;
    }

    private static List<String[]> rows(Alert alert) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Alert", describeType(alert.type) + " (" + alert.type + ")"});
        rows.add(new String[] {"Customer", alert.customerId});
        rows.add(new String[] {"Month", alert.month == null ? "-" : alert.month});
        if (alert.dimension != null) {
            rows.add(new String[] {"Limit of", dimensionLabel(alert.dimension)});
        }
        rows.add(new String[] {"Used", amount(alert.dimension, alert.used)});
        rows.add(new String[] {"Limit", amount(alert.dimension, alert.limitValue)});
        rows.add(new String[] {"Percent", percent(alert)});
        if (alert.thresholdPercent != null) {
            rows.add(new String[] {"Threshold", alert.thresholdPercent + "%"});
        }
        rows.add(new String[] {"When", WHEN.format(alert.occurredAt)});
        rows.add(new String[] {"Alert id", alert.id.toString()});
        return rows;
    }

    static String describeType(String type) {
        return switch (type) {
            case "WARNING" -> "Usage warning";
            case "EXCEEDED" -> "Limit exceeded";
            case "RATE_LIMIT" -> "Rate limit exceeded";
            case "PLATFORM_COST" -> "Platform cost budget";
            case "UNPRICED_MODEL" -> "Model without a price";
            case "UNUSUAL_ACTIVITY" -> "Unusual activity";
            case "UNBILLED_CALL" -> "Call without a billing record";
            default -> type;
        };
    }

    /** Plain advice, no links: what the reader can do about this alert. */
    static String advice(Alert alert, NotificationAudience audience) {
        boolean admin = audience == NotificationAudience.ADMIN;
        return switch (alert.type) {
            case "WARNING" -> admin
                    ? "The customer is getting close to its monthly limit. Check with the customer whether the limit"
                    + " still fits its plans and raise the quota if it should; otherwise nothing needs doing yet."
                    : "You are getting close to your monthly limit. If you expect to need more this month, reduce"
                    + " usage where you can or ask your platform administrator to raise the limit before it is"
                    + " reached.";
            case "EXCEEDED" -> admin
                    ? "The customer has gone past its monthly limit. If the quota blocks calls, the customer's calls"
                    + " are now refused until the limit is raised or the next month begins; if it only alerts, calls"
                    + " go on and are billed. Decide with the customer whether to raise the limit."
                    : "You have gone past your monthly limit. Depending on your plan, further calls this month may"
                    + " be refused or billed beyond the limit. Ask your platform administrator to raise the limit if"
                    + " you need more; it starts again at zero next month.";
            case "RATE_LIMIT" -> admin
                    ? "The customer sent more requests in one minute than its limit allows. Check whether this"
                    + " traffic is expected and raise the requests-per-minute limit if it is."
                    : "Your applications sent more requests in one minute than your limit allows. Spread requests"
                    + " over time and retry refused calls after a pause, or ask your platform administrator for a"
                    + " higher limit.";
            case "PLATFORM_COST" -> "The platform's total cost this month has reached this share of its budget."
                    + " Review the monthly summaries to see which customers drive the cost, and adjust their quotas"
                    + " or the budget.";
            case "UNPRICED_MODEL" -> "Calls to this model are recorded without a cost until it has a price. Add a"
                    + " price for the model to the price book so that its calls are billed from then on.";
            case "UNUSUAL_ACTIVITY" -> admin
                    ? "The customer's recent usage is far above its own normal. Check with the customer whether it"
                    + " is expected; if not, its platform API key may be misused: revoke it and issue a new one."
                    : "Your recent usage is far above your normal level. If you do not expect this, check your"
                    + " applications, and ask your platform administrator to revoke your API key and issue a new"
                    + " one in case it has leaked.";
            case "UNBILLED_CALL" -> "Smartflo has sent no record of this call, and its call records API has none either,"
                    + " so the call is not billed. Look the call up in the customer's Smartflo account; if it was"
                    + " answered, check that the customer's Smartflo webhook is set to the platform's URL with its"
                    + " secret, and bill the call's minutes by hand.";
            default -> admin
                    ? "Look into the alert and mark it seen or resolved once it is handled."
                    : "If this is unexpected, contact your platform administrator.";
        };
    }

    /**
     * used / limit in percent, rounded down to two decimals as quota-service shows it (99.99% one short of the limit,
     * 100.00% only once reached); 100.00% against a limit of 0, which is reached from the start; "-" without a used
     * or a limit.
     */
    static String percent(Alert alert) {
        if (alert.used == null || alert.limitValue == null) {
            return "-";
        }
        if (alert.limitValue.signum() == 0) {
            return "100.00%";
        }
        return alert.used.multiply(HUNDRED).divide(alert.limitValue, 2, RoundingMode.DOWN).toPlainString() + "%";
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

    /** e.g. "OpenAI token limit", "cost limit". */
    static String limitName(String dimension) {
        return switch (dimension) {
            case "OPENAI_TOKENS" -> "OpenAI token limit";
            case "ELEVENLABS_CHARACTERS" -> "ElevenLabs character limit";
            case "SMARTFLO_MINUTES" -> "Smartflo minute limit";
            case "TOTAL_COST_USD" -> "cost limit";
            case "REQUESTS_PER_MINUTE" -> "requests-per-minute limit";
            default -> oneLine(dimension) + " limit";
        };
    }

    /** "805,000 tokens", "$100.25"; "-" for none. */
    static String amount(String dimension, BigDecimal value) {
        if (value == null) {
            return "-";
        }
        if (dimension == null) {
            return number(value);
        }
        return switch (dimension) {
            case "OPENAI_TOKENS" -> number(value) + " tokens";
            case "ELEVENLABS_CHARACTERS" -> number(value) + " characters";
            case "SMARTFLO_MINUTES" -> number(value) + " minutes";
            case "TOTAL_COST_USD" -> "$" + format("#,##0.00##########", value);
            case "REQUESTS_PER_MINUTE" -> number(value) + " requests";
            default -> number(value);
        };
    }

    private static String number(BigDecimal value) {
        return format("#,##0.##########", value);
    }

    private static String format(String pattern, BigDecimal value) {
        DecimalFormat format = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.US));
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(value);
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
