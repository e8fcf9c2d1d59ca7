package io.apimeter.console.admin;

import io.apimeter.console.web.ApiException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The calls filter as the user gave it ({@code from}/{@code to} are UTC days, {@code to} inclusive) and as the
 * recorder takes it (instants, {@code to} exclusive). {@code outcome=ERRORS} means every outcome but SUCCESS.
 */
@io.quarkus.qute.TemplateData
public record CallQuery(String customerId, String provider, String model, String outcome, String from, String to) {

    public static final String ERRORS = "ERRORS";
    public static final List<String> OUTCOMES = List.of("SUCCESS", "PROVIDER_ERROR", "PROVIDER_TIMEOUT",
            "PROVIDER_UNREACHABLE", "CLIENT_ABORTED", "REJECTED");
    public static final List<String> ERROR_OUTCOMES = OUTCOMES.subList(1, OUTCOMES.size());
    public static final List<String> PROVIDERS = List.of("OPENAI", "ELEVENLABS", "SMARTFLO");

    public static CallQuery of(String customerId, String provider, String model, String outcome, String from,
                               String to) {
        return new CallQuery(blank(customerId), blank(provider), blank(model), blank(outcome), blank(from),
                blank(to));
    }

    public boolean errorsOnly() {
        return ERRORS.equalsIgnoreCase(outcome);
    }

    /** The outcome to send to the recorder (null for all, and for errors only: one query per error outcome). */
    public String recorderOutcome() {
        return errorsOnly() ? null : outcome;
    }

    public String fromInstant() {
        return from == null ? null : day("from", from).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
    }

    /** The day after {@code to}, as the recorder's {@code to} is exclusive. */
    public String toInstant() {
        return to == null ? null : day("to", to).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
    }

    /** The filter as a query string, for paging and download links. */
    public String queryString() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("customerId", customerId);
        params.put("provider", provider);
        params.put("model", model);
        params.put("outcome", outcome);
        params.put("from", from);
        params.put("to", to);
        return params.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static LocalDate day(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_" + name, "'" + name + "' must be a day like 2026-11-30.");
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
