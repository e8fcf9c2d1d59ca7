package io.apimeter.simulator.openai;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.ServerSentEvents;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /openai/v1/completions}: a legacy text completion, whole or streamed, with the usage the caller
 * chooses with {@code x-sim-prompt-tokens} / {@code x-sim-completion-tokens} or derived from the request.
 */
final class Completions {

    private static final String OBJECT = "text_completion";
    private static final String FINGERPRINT = "fp_sim";

    private final OpenAiRoutes routes;
    private final AtomicLong sequence = new AtomicLong();

    Completions(OpenAiRoutes routes) {
        this.routes = routes;
    }

    void handle(Exchange exchange) {
        if (!routes.authorized(exchange)) {
            return;
        }
        UsageHeaders headers = UsageHeaders.read(exchange);
        CompletionRequest request = CompletionRequest.parse(exchange.body());
        long promptTokens = headers.promptTokens().orElse(request.estimatedPromptTokens());
        long completionTokens = headers.completionTokensOr(request.maxTokens(), SimulatedText.DEFAULT_COMPLETION_TOKENS);
        TextCompletion.Usage usage = new TextCompletion.Usage(promptTokens, completionTokens,
                UsageHeaders.total(promptTokens, completionTokens));
        String id = "cmpl-sim-" + sequence.incrementAndGet();
        long created = Instant.now().getEpochSecond();
        String text = SimulatedText.answer(completionTokens);
        exchange.responseHeader("x-request-id", routes.nextRequestId());
        if (!request.streaming().stream()) {
            exchange.respondJson(200, new TextCompletion(id, OBJECT, created, request.model(), FINGERPRINT,
                    List.of(new TextCompletion.Choice(text, 0, null, "stop")), usage));
            return;
        }
        List<Buffer> chunks = new ArrayList<>();
        for (String piece : SimulatedText.pieces(text)) {
            chunks.add(chunk(id, created, request, piece, null));
        }
        chunks.add(chunk(id, created, request, "", "stop"));
        if (request.streaming().includeUsage()) {
            chunks.add(ServerSentEvents.data(new TextCompletion(id, OBJECT, created, request.model(), FINGERPRINT,
                    List.of(), usage)));
        }
        chunks.add(ServerSentEvents.done());
        exchange.responseHeader("cache-control", "no-cache");
        exchange.stream(200, ServerSentEvents.CONTENT_TYPE, chunks);
    }

    private static Buffer chunk(String id, long created, CompletionRequest request, String text, String finishReason) {
        return ServerSentEvents.data(new TextCompletion(id, OBJECT, created, request.model(), FINGERPRINT,
                List.of(new TextCompletion.Choice(text, 0, null, finishReason)), null));
    }
}
