package io.apimeter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attempts alert-service made at one alert mail, read from its log (every start of the service appends to
 * it). alert-service logs each attempt before it starts ("sending the mail to …") and when it ends ("… delivered",
 * "could not deliver …"). A mail can only arrive twice when an attempt's outcome was in doubt: the process died
 * during the attempt (the next line about the mail follows a new start), or the SMTP server was stopped during it.
 */
final class MailAttempts {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final Pattern STARTED = Pattern.compile("\\(powered by Quarkus [^)]*\\) started in");

    private final List<String> lines;

    private MailAttempts(List<String> lines) {
        this.lines = lines;
    }

    static MailAttempts read(Path log) {
        try {
            return new MailAttempts(Files.readAllLines(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why the mail about {@code alertId} to {@code recipient} may have arrived more than once: the first attempt
     * whose outcome was in doubt, described; null when every attempt ended with a known outcome.
     */
    String inDoubt(String alertId, String recipient, List<Instant> smtpStops) {
        Pattern sending = Pattern.compile("alert " + Pattern.quote(alertId) + ": sending the mail to "
                + Pattern.quote(recipient) + " \\(notification \\d+, attempt (\\d+)\\)", Pattern.CASE_INSENSITIVE);
        Pattern failed = Pattern.compile("alert " + Pattern.quote(alertId) + ": could not deliver the mail to "
                + Pattern.quote(recipient) + " \\(attempt (\\d+)\\)", Pattern.CASE_INSENSITIVE);
        Pattern delivered = Pattern.compile("alert " + Pattern.quote(alertId) + ": the mail to "
                + Pattern.quote(recipient) + " delivered", Pattern.CASE_INSENSITIVE);
        String open = null;
        Instant openedAt = null;
        for (String line : lines) {
            if (STARTED.matcher(line).find()) {
                if (open != null) {
                    return "attempt " + open + " was cut short: alert-service started again before it ended";
                }
                continue;
            }
            Matcher start = sending.matcher(line);
            if (start.find()) {
                open = start.group(1);
                openedAt = stamp(line);
                continue;
            }
            Matcher failure = failed.matcher(line);
            if (failure.find() && open != null) {
                Instant failedAt = stamp(line);
                for (Instant stop : smtpStops) {
                    if (openedAt != null && failedAt != null && !openedAt.isAfter(stop.plusSeconds(1))
                            && !failedAt.isBefore(stop.minusSeconds(1))) {
                        return "attempt " + open + " was under way when the SMTP server was stopped at " + stop;
                    }
                }
                open = null;
                continue;
            }
            if (delivered.matcher(line).find()) {
                open = null;
            }
        }
        return null;
    }

    private static Instant stamp(String line) {
        try {
            return LocalDateTime.parse(line.substring(0, 23), STAMP).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
