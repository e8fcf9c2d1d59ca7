package io.apimeter.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.EventJson;
import io.apimeter.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Smartflo's call detail records API, {@code GET <base>/call/records?call_id=<id>}, asked with the customer's own
 * Smartflo token: {@code {"count", "limit", "size", "page", "results": [{"call_id", "status", "answered_seconds",
 * "call_duration", ...}]}}. The billed seconds of a call are its record's {@code answered_seconds} (talk time;
 * {@code billsec} is taken where a record names it so). Blocking: for the reconciliation job's worker thread.
 */
@ApplicationScoped
public class SmartfloCallRecords {
    private final GatewayConfig.Upstream smartflo;
    private final HttpClient http;

    public SmartfloCallRecords(GatewayConfig config) {
        this.smartflo = config.providers().smartflo();
        this.http = HttpClient.newBuilder().connectTimeout(smartflo.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Smartflo did not answer with the call's records (unreachable, an error status, an answer not understood). */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The billed seconds of the call's record, or empty when Smartflo has no record of the call (not ended yet, or
     * never known to it).
     */
    public OptionalLong billedSeconds(String token, String callId) throws Unavailable, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(smartflo.baseUrl() + "/call/records?call_id="
                        + URLEncoder.encode(callId, StandardCharsets.UTF_8)))
                .timeout(smartflo.timeout().compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                        : smartflo.timeout())
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .GET().build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unavailable("Smartflo's call records API could not be reached: " + e.getClass().getSimpleName());
        }
        if (answer.statusCode() != 200) {
            throw new Unavailable("Smartflo's call records API answered " + answer.statusCode());
        }
        JsonNode results;
        try {
            results = EventJson.mapper().readTree(answer.body()).path("results");
        } catch (IOException e) {
            throw new Unavailable("Smartflo's call records API answered something else than JSON");
        }
        if (!results.isArray()) {
            throw new Unavailable("Smartflo's call records API answered without results");
        }
        for (JsonNode record : results) {
            if (callId.equals(record.path("call_id").asText(null))) {
                return OptionalLong.of(seconds(record, callId));
            }
        }
        return OptionalLong.empty();
    }

    private static long seconds(JsonNode record, String callId) throws Unavailable {
        JsonNode seconds = record.has("answered_seconds") ? record.get("answered_seconds") : record.get("billsec");
        if (seconds == null || seconds.isNull()) {
            if ("missed".equalsIgnoreCase(record.path("status").asText())) {
                return 0;
            }
        } else if (seconds.isIntegralNumber() && seconds.canConvertToLong() && seconds.asLong() >= 0
                || seconds.isTextual() && seconds.asText().trim().matches("\\d{1,9}")) {
            return seconds.isTextual() ? Long.parseLong(seconds.asText().trim()) : seconds.asLong();
        }
        throw new Unavailable("Smartflo's record of call " + callId + " names no billed seconds");
    }
}
