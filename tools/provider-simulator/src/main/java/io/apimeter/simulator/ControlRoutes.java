package io.apimeter.simulator;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.Json;
import io.apimeter.simulator.http.Router;
import io.apimeter.simulator.http.SimError;
import io.apimeter.simulator.smartflo.CallDetailRecord;
import io.apimeter.simulator.smartflo.SmartfloCalls;
import io.apimeter.simulator.smartflo.SmartfloSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The simulator's own routes under {@code /_sim}: health, the recorded requests, and ending a Smartflo call
 * (which posts its call-ended record to a webhook, as Smartflo does).
 */
final class ControlRoutes {

    /** How long the webhook may take to accept a connection, and then to answer. */
    static final int WEBHOOK_TIMEOUT_MS = 10_000;
    /** Longest webhook answer body echoed back. */
    private static final int MAX_ECHOED_BODY = 4096;

    private ControlRoutes() {
    }

    static void register(Router router, RequestLog log, SmartfloCalls calls, HttpClient webhookClient) {
        router.control(HttpMethod.GET, "/_sim/health", exchange -> exchange.respondJson(200, Map.of("status", "UP")));
        router.control(HttpMethod.GET, "/_sim/requests", exchange -> exchange.respondJson(200, log.snapshot()));
        router.control(HttpMethod.DELETE, "/_sim/requests", exchange -> {
            log.clear();
            exchange.respond(204, null, Buffer.buffer());
        });
        router.control(HttpMethod.POST, "/_sim/smartflo/calls/{call_id}/complete",
                exchange -> completeCall(exchange, calls, webhookClient));
    }

    /**
     * {@code POST /_sim/smartflo/calls/{call_id}/complete?billsec=N[&webhook=URL][&header=Name:Value][&secret=S]}:
     * ends the call (Smartflo keeps its record, which the call records API answers from then on) and builds the
     * record it posts; without a webhook only answers it (a record Smartflo never delivered), with one posts it
     * there, signed with {@code secret} when given ({@link SmartfloSignature}), and answers with the webhook's status.
     */
    private static void completeCall(Exchange exchange, SmartfloCalls calls, HttpClient webhookClient) {
        long billsec;
        try {
            billsec = Long.parseLong(String.valueOf(exchange.queryParam("billsec")).trim());
        } catch (NumberFormatException e) {
            billsec = -1;
        }
        if (billsec < 0) {
            exchange.respondJson(400, new SimError("bad_request",
                    "Query parameter billsec must be a non-negative integer, got " + exchange.queryParam("billsec")));
            return;
        }
        String callId = exchange.pathParam("call_id");
        if (calls.find(callId).isEmpty()) {
            exchange.respondJson(404, new SimError("unknown_call",
                    "No call " + callId + " was placed on this simulator (POST /smartflo/v1/click_to_call)."));
            return;
        }
        String webhook = exchange.queryParam("webhook");
        RequestOptions request;
        try {
            request = webhook == null ? null : webhookRequest(webhook, exchange.request().params().getAll("header"));
            if (exchange.queryParam("secret") != null && request == null) {
                throw new IllegalArgumentException("Query parameter secret signs the record posted to a webhook:"
                        + " name the webhook too.");
            }
        } catch (IllegalArgumentException e) {
            exchange.respondJson(400, new SimError("bad_request", e.getMessage()));
            return;
        }
        CallDetailRecord cdr = calls.complete(callId, billsec);
        if (request == null) {
            exchange.respondJson(200, new Delivery(cdr, null, null));
            return;
        }
        Buffer body = Json.encode(cdr);
        String secret = exchange.queryParam("secret");
        if (secret != null) {
            request.putHeader(SmartfloSignature.HEADER, SmartfloSignature.sign(secret, body.getBytes()));
        }
        webhookClient.request(request)
                .compose(sent -> sent.send(body))
                .compose(answer -> answer.body().map(answerBody -> new Delivery(cdr, answer.statusCode(),
                        truncate(answerBody.toString(StandardCharsets.UTF_8)))))
                .onSuccess(delivery -> exchange.respondJson(delivery.webhookStatus(), delivery))
                .onFailure(e -> exchange.respondJson(502, new SimError("webhook_unreachable",
                        "Could not post the call record to " + webhook + ": " + e.getMessage())));
    }

    private static RequestOptions webhookRequest(String webhook, List<String> headers) {
        URI uri;
        try {
            uri = new URI(webhook);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException("Query parameter webhook must be an absolute http(s) URL, got "
                    + webhook);
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(webhook)
                .setConnectTimeout(WEBHOOK_TIMEOUT_MS)
                .setIdleTimeout(WEBHOOK_TIMEOUT_MS)
                .putHeader("content-type", "application/json");
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0 || header.substring(0, colon).isBlank()) {
                throw new IllegalArgumentException("Query parameter header must be Name:Value, got " + header);
            }
            options.addHeader(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        return options;
    }

    private static String truncate(String body) {
        return body.length() <= MAX_ECHOED_BODY ? body : body.substring(0, MAX_ECHOED_BODY);
    }

    /**
     * What the complete route answers.
     *
     * @param cdr           the call-ended record built (and posted, when a webhook was named)
     * @param webhookStatus the webhook's HTTP status, or {@code null} when none was named
     * @param webhookBody   the webhook's answer body (at most 4096 characters), or {@code null}
     */
    record Delivery(CallDetailRecord cdr, Integer webhookStatus, String webhookBody) {
    }
}
