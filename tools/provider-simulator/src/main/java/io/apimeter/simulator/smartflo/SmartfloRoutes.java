package io.apimeter.simulator.smartflo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.Json;
import io.apimeter.simulator.http.ProviderRoutes;
import io.apimeter.simulator.http.RouteRegistry;
import java.io.IOException;
import java.util.List;

/**
 * Smartflo's API under {@code /smartflo/v1}: click-to-call and the call detail records of ended calls, answering
 * errors in Smartflo's format.
 */
public final class SmartfloRoutes implements ProviderRoutes {

    public static final String PREFIX = "/smartflo/v1";
    /** Most records one page of {@code GET /call/records} holds. */
    public static final int MAX_LIMIT = 100;

    private final SmartfloCalls calls;

    public SmartfloRoutes(SmartfloCalls calls) {
        this.calls = calls;
    }

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/click_to_call", this::clickToCall);
        routes.get("/call/records", this::callRecords);
    }

    @Override
    public void respondError(Exchange exchange, int status, String message, String param) {
        exchange.respondJson(status, new Answer(false, message != null ? message : switch (status) {
            case 401 -> "Unauthenticated";
            case 403 -> "This action is unauthorized.";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 429 -> "Too Many Attempts.";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "The request was rejected with status " + status + ".";
        }, null));
    }

    /** Whether the request carries {@code Authorization: Bearer <token>}; answers 401 when it does not. */
    private boolean authorized(Exchange exchange) {
        String authorization = exchange.header("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            respondError(exchange, 401, null, null);
            return false;
        }
        return true;
    }

    /**
     * {@code GET /call/records[?call_id=..][&page=1][&limit=20]}: the records of ended calls, the last ended
     * first, as {@code {"count", "limit", "size", "page", "results": [...]}}. A call still going on (or one whose end
     * the test has not decided yet) has no record. Smartflo's other filters (dates, agents, ...) are ignored.
     */
    private void callRecords(Exchange exchange) {
        if (!authorized(exchange)) {
            return;
        }
        int page = positive(exchange, "page", 1, Integer.MAX_VALUE);
        int limit = positive(exchange, "limit", 20, MAX_LIMIT);
        if (page < 0 || limit < 0) {
            return;
        }
        String callId = exchange.queryParam("call_id");
        List<CallRecord> matching = callId == null || callId.isBlank() ? calls.records()
                : calls.record(callId.trim()).map(List::of).orElse(List.of());
        long from = (long) (page - 1) * limit;
        List<CallRecord> results = from >= matching.size() ? List.of()
                : matching.subList((int) from, (int) Math.min(matching.size(), from + limit));
        exchange.respondJson(200, new RecordsPage(matching.size(), limit, results.size(), page, results));
    }

    /** A whole-number query parameter from 1 to max, or its default; -1 (answered 422) when it is malformed. */
    private int positive(Exchange exchange, String name, int defaultValue, int max) {
        String value = exchange.queryParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        respondError(exchange, 422, "The " + name + " must be a whole number from 1 to " + max + ".", null);
        return -1;
    }

    /** {@code POST /click_to_call}: rings the agent, then the destination; the call ends later (see the CDR). */
    private void clickToCall(Exchange exchange) {
        if (!authorized(exchange)) {
            return;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(exchange.body().getBytes());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            respondError(exchange, 422, "The request body must be a JSON object.", null);
            return;
        }
        String agent = number(root, "agent_number");
        String destination = number(root, "destination_number");
        String callerId = number(root, "caller_id");
        if (agent == null || destination == null) {
            String field = agent == null ? "agent number" : "destination number";
            respondError(exchange, 422, "The " + field + " field is required.", null);
            return;
        }
        PlacedCall call = calls.place(agent, destination, callerId);
        exchange.respondJson(200, new Answer(true, "Originate successfully queued", call.callId()));
    }

    /** A phone number sent as a string or a number; {@code null} when absent or blank. */
    private static String number(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || !(value.isTextual() || value.isIntegralNumber()) || value.asText().isBlank()) {
            return null;
        }
        return value.asText().trim();
    }

    /** Smartflo's answer: {@code {"success": ..., "message": ..., "call_id": ...}} ({@code call_id} on success). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "message", "call_id"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Answer(boolean success, String message, String callId) {
    }

    /** One page of call records: how many match, the page size asked for, how many are on it, which page. */
    @JsonPropertyOrder({"count", "limit", "size", "page", "results"})
    record RecordsPage(int count, int limit, int size, int page, List<CallRecord> results) {
    }
}
