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

/** Smartflo's API under {@code /smartflo/v1} (click-to-call), answering errors in Smartflo's format. */
public final class SmartfloRoutes implements ProviderRoutes {

    public static final String PREFIX = "/smartflo/v1";

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

    /** {@code POST /click_to_call}: rings the agent, then the destination; the call ends later (see the CDR). */
    private void clickToCall(Exchange exchange) {
        String authorization = exchange.header("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            respondError(exchange, 401, null, null);
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
}
