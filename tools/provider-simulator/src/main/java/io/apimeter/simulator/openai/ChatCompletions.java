package io.apimeter.simulator.openai;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.ServerSentEvents;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /openai/v1/chat/completions}: a chat completion, whole or streamed, whose usage the caller chooses
 * with {@code x-sim-*-tokens} headers, or else derives deterministically from the request.
 */
final class ChatCompletions {

    private final OpenAiRoutes routes;
    private final AtomicLong sequence = new AtomicLong();

    ChatCompletions(OpenAiRoutes routes) {
        this.routes = routes;
    }

    void handle(Exchange exchange) {
        if (!routes.authorized(exchange)) {
            return;
        }
        UsageHeaders usageHeaders = UsageHeaders.read(exchange);
        ChatRequest request = ChatRequest.parse(exchange.body());
        ChatCompletion.Usage usage = usage(usageHeaders, request);
        long n = sequence.incrementAndGet();
        String id = "chatcmpl-sim-" + n;
        long created = Instant.now().getEpochSecond();
        String answer = SimulatedText.answer(usage.completionTokens());
        exchange.responseHeader("x-request-id", routes.nextRequestId());
        if (request.streaming().stream()) {
            exchange.responseHeader("cache-control", "no-cache");
            exchange.stream(200, ServerSentEvents.CONTENT_TYPE,
                    chunks(id, created, request, answer, request.streaming().includeUsage() ? usage : null));
            return;
        }
        ChatCompletion completion = new ChatCompletion(
                id,
                "chat.completion",
                created,
                request.model(),
                List.of(new ChatCompletion.Choice(0,
                        new ChatCompletion.Message("assistant", answer, null, List.of()),
                        null, "stop")),
                usage,
                "default",
                "fp_sim");
        exchange.respondJson(200, completion);
    }

    /**
     * The events of a streamed completion: the role, the content pieces, the finish reason, the usage when asked
     * for (with no choices), then {@code [DONE]}.
     */
    private static List<Buffer> chunks(String id, long created, ChatRequest request, String answer,
                                       ChatCompletion.Usage usage) {
        List<Buffer> chunks = new ArrayList<>();
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("role", "assistant");
        role.put("content", "");
        role.put("refusal", null);
        chunks.add(chunk(id, created, request, role, null));
        for (String piece : SimulatedText.pieces(answer)) {
            chunks.add(chunk(id, created, request, Map.of("content", piece), null));
        }
        chunks.add(chunk(id, created, request, Map.of(), "stop"));
        if (usage != null) {
            chunks.add(ServerSentEvents.data(new ChatCompletionChunk(id, "chat.completion.chunk", created,
                    request.model(), "default", "fp_sim", List.of(), usage)));
        }
        chunks.add(ServerSentEvents.done());
        return chunks;
    }

    private static Buffer chunk(String id, long created, ChatRequest request, Map<String, Object> delta,
                                String finishReason) {
        return ServerSentEvents.data(new ChatCompletionChunk(id, "chat.completion.chunk", created, request.model(),
                "default", "fp_sim", List.of(new ChatCompletionChunk.Choice(0, delta, null, finishReason)), null));
    }

    private static ChatCompletion.Usage usage(UsageHeaders headers, ChatRequest request) {
        long promptTokens = headers.promptTokens().orElse(request.estimatedPromptTokens());
        long completionTokens = headers.completionTokensOr(request.maxOutputTokens(),
                SimulatedText.DEFAULT_COMPLETION_TOKENS);
        return new ChatCompletion.Usage(promptTokens, completionTokens,
                UsageHeaders.total(promptTokens, completionTokens),
                new ChatCompletion.PromptTokensDetails(headers.cachedTokens().orElse(0), 0),
                new ChatCompletion.CompletionTokensDetails(headers.reasoningTokens().orElse(0), 0, 0, 0));
    }
}
