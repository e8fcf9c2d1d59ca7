package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallMeter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAI-compatible API for client apps: an official OpenAI SDK works with only its base URL set to
 * {@code <gateway>/openai/v1} and a platform API key as its API key. Runs on the event loop from the request to
 * the last byte of the answer (see {@link ProxyRoutes}).
 */
@ApplicationScoped
public class OpenAiProxy {
    private static final Set<String> REQUEST_FIELDS = Set.of("model", "stream", "max_tokens",
            "max_completion_tokens", "max_output_tokens");
    private static final Set<String> ANSWER_FIELDS = Set.of("usage");

    private final ProviderCalls calls;
    private final UpstreamClient upstream;
    private final CallMeter meter;
    private final GatewayConfig.Upstream openai;

    private final long defaultMaxOutputTokens;

    public OpenAiProxy(ProviderCalls calls, UpstreamClient upstream, CallMeter meter, GatewayConfig config) {
        this.defaultMaxOutputTokens = config.quota().defaultMaxOutputTokens();
        this.calls = calls;
        this.upstream = upstream;
        this.meter = meter;
        this.openai = config.providers().openai();
    }

    /**
     * Authenticates the client app, forwards the call to OpenAI with the customer's own key, returns the
     * answer unchanged and meters it. Every outcome after authentication is metered, failures included.
     */
    void forward(RoutingContext context, String operation, String path) {
        Buffer body = ProxyRoutes.body(context);
        calls.whenAuthorized(context, ProviderCalls.bearer(context.request().getHeader(HttpHeaders.AUTHORIZATION)),
                Provider.OPENAI, OpenAiErrors.FORMAT, authorized -> forward(context, authorized, operation, path, body));
    }

    private void forward(RoutingContext context, ProviderCalls.Authorized authorized, String operation, String path,
                         Buffer body) {
        HttpServerResponse client = context.response();
        byte[] bytes = body.getBytes();
        Map<String, JsonNode> fields = JsonFields.read(bytes, REQUEST_FIELDS);
        String model = JsonFields.text(fields, "model");
        ProviderCalls.Admission admission = calls.admit(context, authorized, Provider.OPENAI, operation, model,
                OpenAiErrors.FORMAT, () -> worstCase(operation, model, bytes, fields));
        if (admission.refusal() != null) {
            ProviderCalls.reply(client, admission.refusal());
            return;
        }
        CallMeter.Call call = admission.call();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + authorized.providerKey());
        String url = openai.baseUrl() + path;
        JsonNode stream = fields.get("stream");
        if (stream != null && stream.asBoolean(false)
                && ProviderCalls.json(bytes) instanceof ObjectNode request) {
            forwardStream(context, call, url, path, request, auth);
            return;
        }
        upstream.post(openai, url, body, context.request().headers(), auth).onComplete(sending -> {
            if (sending.failed()) {
                ProviderCalls.reply(client, calls.failed(call, OpenAiErrors.FORMAT, sending.cause()));
                return;
            }
            UpstreamClient.Upstream answer = sending.result();
            ProviderCalls.readWhole(answer).onComplete(reading -> {
                if (reading.failed()) {
                    ProviderCalls.reply(client, calls.failed(call, OpenAiErrors.FORMAT, reading.cause()));
                    return;
                }
                int status = answer.response().statusCode();
                Buffer whole = reading.result();
                Usage usage = OpenAiUsage.ofUsage(JsonFields.read(whole.getBytes(), ANSWER_FIELDS).get("usage"));
                meter.record(call, status, ProviderCalls.success(status) ? Outcome.SUCCESS : Outcome.PROVIDER_ERROR,
                        usage);
                ProviderCalls.passBack(client, status, answer.response().headers(), whole);
            });
        });
    }

    /**
     * The most a call can use: its input counted with the model's tokenizer, and the output it asks for at most
     * ({@code max_tokens}, {@code max_completion_tokens} or {@code max_output_tokens}; embeddings have none), or
     * the configured default when it does not say. Read only for a customer with a BLOCK token or cost limit.
     */
    private Usage worstCase(String operation, String model, byte[] bytes, Map<String, JsonNode> fields) {
        JsonNode request = ProviderCalls.json(bytes);
        long input = request == null ? 0 : TokenEstimator.count(model, TokenEstimator.inputText(request));
        long output = 0;
        if (!"embeddings".equals(operation)) {
            output = defaultMaxOutputTokens;
            for (String field : List.of("max_completion_tokens", "max_tokens", "max_output_tokens")) {
                JsonNode asked = fields.get(field);
                if (asked != null && asked.canConvertToLong() && asked.asLong() >= 0) {
                    output = asked.asLong();
                    break;
                }
            }
        }
        return new Usage(input, output, 0, 0, 0, 0, true);
    }

    /**
     * A streamed call: the answer goes to the client chunk by chunk as it arrives. Chat and legacy completions
     * only report usage when asked, so the gateway asks on the client's behalf and keeps that chunk from a
     * client that did not ask. A stream that ends without usage (the client went away, the provider broke
     * off) is metered with tokens counted by OpenAI's tokenizer, marked as estimated.
     */
    private void forwardStream(RoutingContext context, CallMeter.Call call, String url, String path,
                               ObjectNode request, Map<String, String> auth) {
        HttpServerResponse client = context.response();
        boolean dropUsageChunk = false;
        if (!path.endsWith("/responses")) {
            ObjectNode options = request.path("stream_options").isObject()
                    ? (ObjectNode) request.get("stream_options") : request.putObject("stream_options");
            if (!options.path("include_usage").asBoolean(false)) {
                options.put("include_usage", true);
                dropUsageChunk = true;
            }
        }
        Buffer body;
        try {
            body = Buffer.buffer(EventJson.mapper().writeValueAsBytes(request));
        } catch (IOException e) {
            throw new IllegalStateException("a parsed request could not be written again", e);
        }
        boolean dropUsage = dropUsageChunk;
        upstream.post(openai, url, body, context.request().headers(), auth).onComplete(sending -> {
            if (sending.failed()) {
                ProviderCalls.reply(client, calls.failed(call, OpenAiErrors.FORMAT, sending.cause()));
                return;
            }
            UpstreamClient.Upstream answer = sending.result();
            int status = answer.response().statusCode();
            if (!ProviderCalls.success(status)) {
                ProviderCalls.readWhole(answer).onComplete(reading -> {
                    Buffer error = reading.succeeded() ? reading.result() : Buffer.buffer();
                    meter.record(call, status, Outcome.PROVIDER_ERROR,
                            OpenAiUsage.ofUsage(JsonFields.read(error.getBytes(), ANSWER_FIELDS).get("usage")));
                    ProviderCalls.passBack(client, status, answer.response().headers(), error);
                });
                return;
            }
            SseRelay relay = new SseRelay(dropUsage, call.model());
            ProviderCalls.passBackHead(client, status, answer.response().headers());
            StreamRelay.start(answer, client, relay, (clientGone, upstreamBroken) ->
                    meterStream(call, status, request, relay.result(clientGone, upstreamBroken)));
        });
    }

    private void meterStream(CallMeter.Call call, int status, ObjectNode request, SseRelay.Result result) {
        if (result.reportedUsage() != null) {
            Outcome outcome = result.clientGone() ? Outcome.CLIENT_ABORTED : Outcome.SUCCESS;
            meter.record(call, status, outcome, result.reportedUsage());
        } else {
            long input = TokenEstimator.count(call.model(), TokenEstimator.inputText(request));
            long output = result.estimatedOutputTokens();
            Outcome outcome = result.clientGone() ? Outcome.CLIENT_ABORTED
                    : result.upstreamBroken() ? Outcome.PROVIDER_ERROR : Outcome.SUCCESS;
            meter.record(call, result.clientGone() ? 499 : status, outcome, new Usage(input, output, 0, 0, 0, 0, true));
        }
    }
}
