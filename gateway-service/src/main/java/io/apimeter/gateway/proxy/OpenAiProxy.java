package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAI-compatible API for client apps: an official OpenAI SDK works with only its base URL set to
 * {@code <gateway>/openai/v1} and a platform API key as its API key. Runs on the event loop from the request to
 * the last byte of the answer (see {@link ProxyRoutes}); the pipeline is {@link ProviderCalls#forward}.
 */
@ApplicationScoped
public class OpenAiProxy {
    private static final Set<String> REQUEST_FIELDS = Set.of("model", "stream", "max_tokens",
            "max_completion_tokens", "max_output_tokens");
    private static final Set<String> ANSWER_FIELDS = Set.of("usage");

    private final GatewayConfig.Upstream openai;
    private final long defaultMaxOutputTokens;

    public OpenAiProxy(GatewayConfig config) {
        this.openai = config.providers().openai();
        this.defaultMaxOutputTokens = config.quota().defaultMaxOutputTokens();
    }

    /** The route of one OpenAI operation, e.g. {@code chat.completions} at {@code /chat/completions}. */
    ProviderRoute route(String operation, String path) {
        return new ProviderRoute(Provider.OPENAI, OpenAiErrors.FORMAT, openai, ProviderRoute::bearerKey,
                ProviderRoute::bearerAuth, (context, body) -> read(operation, path, body));
    }

    /**
     * The request is passed on unchanged, except a streamed chat or legacy completion, which only reports usage
     * when asked: the gateway asks on the client's behalf and keeps that chunk from a client that did not ask.
     */
    private ProviderRoute.Request read(String operation, String path, Buffer body) {
        byte[] bytes = body.getBytes();
        Map<String, JsonNode> fields = JsonFields.read(bytes, REQUEST_FIELDS);
        String model = JsonFields.text(fields, "model");
        String url = openai.baseUrl() + path;
        JsonNode stream = fields.get("stream");
        if (stream != null && stream.asBoolean(false) && ProviderCalls.json(bytes) instanceof ObjectNode request) {
            boolean dropUsage = false;
            if (!path.endsWith("/responses")) {
                ObjectNode options = request.path("stream_options").isObject()
                        ? (ObjectNode) request.get("stream_options") : request.putObject("stream_options");
                if (!options.path("include_usage").asBoolean(false)) {
                    options.put("include_usage", true);
                    dropUsage = true;
                }
            }
            Buffer asked;
            try {
                asked = Buffer.buffer(EventJson.mapper().writeValueAsBytes(request));
            } catch (IOException e) {
                throw new IllegalStateException("a parsed request could not be written again", e);
            }
            boolean drop = dropUsage;
            return new ProviderRoute.Request(operation, model, url, asked,
                    () -> worstCase(operation, model, request, fields),
                    (call, answer) -> streamed(call, answer, request, drop), null);
        }
        return new ProviderRoute.Request(operation, model, url, body,
                () -> worstCase(operation, model, ProviderCalls.json(bytes), fields), OpenAiProxy::whole, null);
    }

    /** A whole answer: metered with the usage it reports. */
    private static void whole(MeteredCall call, UpstreamClient.Upstream answer) {
        call.readWhole(answer, whole -> {
            int status = answer.response().statusCode();
            Usage usage = OpenAiUsage.ofUsage(JsonFields.read(whole.getBytes(), ANSWER_FIELDS).get("usage"));
            call.passBack(status, answer.response().headers(), whole,
                    ProviderCalls.success(status) ? Outcome.SUCCESS : Outcome.PROVIDER_ERROR, usage);
        });
    }

    /**
     * The most a call can use: its input counted with the model's tokenizer, and the output it asks for at most
     * ({@code max_tokens}, {@code max_completion_tokens} or {@code max_output_tokens}; embeddings have none), or
     * the configured default when it does not say. Read only for a customer with a BLOCK token or cost limit.
     */
    private Usage worstCase(String operation, String model, JsonNode request, Map<String, JsonNode> fields) {
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
     * A streamed answer goes to the client chunk by chunk as it arrives. A stream that ends without usage (the
     * client went away, the provider broke off) is metered with tokens counted by OpenAI's tokenizer, marked as
     * estimated. An error answer is read whole.
     */
    private static void streamed(MeteredCall call, UpstreamClient.Upstream answer, ObjectNode request,
                                 boolean dropUsage) {
        int status = answer.response().statusCode();
        if (!ProviderCalls.success(status)) {
            call.readWhole(answer, error -> call.passBack(status, answer.response().headers(), error,
                    Outcome.PROVIDER_ERROR,
                    OpenAiUsage.ofUsage(JsonFields.read(error.getBytes(), ANSWER_FIELDS).get("usage"))));
            return;
        }
        SseRelay relay = new SseRelay(dropUsage, call.model());
        call.stream(answer, relay, (clientGone, upstreamBroken) ->
                meterStream(call, status, request, relay.result(clientGone, upstreamBroken)));
    }

    private static void meterStream(MeteredCall call, int status, ObjectNode request, SseRelay.Result result) {
        if (result.reportedUsage() != null) {
            Outcome outcome = result.clientGone() ? Outcome.CLIENT_ABORTED
                    : result.responseFailed() ? Outcome.PROVIDER_ERROR : Outcome.SUCCESS;
            call.meter(status, outcome, result.reportedUsage());
        } else {
            long input = TokenEstimator.count(call.model(), TokenEstimator.inputText(request));
            long output = result.estimatedOutputTokens();
            Outcome outcome = result.clientGone() ? Outcome.CLIENT_ABORTED
                    : result.upstreamBroken() || result.responseFailed() ? Outcome.PROVIDER_ERROR : Outcome.SUCCESS;
            call.meter(result.clientGone() ? 499 : status, outcome, new Usage(input, output, 0, 0, 0, 0, true));
        }
    }
}
