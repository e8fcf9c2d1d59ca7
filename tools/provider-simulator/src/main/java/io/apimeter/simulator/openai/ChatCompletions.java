package io.apimeter.simulator.openai;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.InvalidRequestException;
import io.apimeter.simulator.http.SimHeaders;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /openai/v1/chat/completions}: a non-streaming chat completion whose usage the caller chooses
 * with {@code x-sim-*-tokens} headers, or else derives deterministically from the request.
 */
final class ChatCompletions {

    /** Completion tokens reported when the caller names neither a count nor a lower {@code max_tokens}. */
    static final long DEFAULT_COMPLETION_TOKENS = 16;

    private static final String[] WORDS =
            "This is a simulated answer from the apimeter provider simulator.".split(" ");
    /** The answer has one word per completion token, up to this many. */
    private static final int MAX_ANSWER_WORDS = 1000;

    private final OpenAiRoutes routes;
    private final AtomicLong sequence = new AtomicLong();

    ChatCompletions(OpenAiRoutes routes) {
        this.routes = routes;
    }

    void handle(Exchange exchange) {
        if (!hasBearerKey(exchange.header("authorization"))) {
            routes.respondError(exchange, 401, "You didn't provide an API key. You need to provide your API key in an "
                    + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", null);
            return;
        }
        UsageHeaders usageHeaders = UsageHeaders.read(exchange);
        ChatRequest request = ChatRequest.parse(exchange.body());
        ChatCompletion.Usage usage = usage(usageHeaders, request);
        long n = sequence.incrementAndGet();
        ChatCompletion completion = new ChatCompletion(
                "chatcmpl-sim-" + n,
                "chat.completion",
                Instant.now().getEpochSecond(),
                request.model(),
                List.of(new ChatCompletion.Choice(0,
                        new ChatCompletion.Message("assistant", answer(usage.completionTokens()), null, List.of()),
                        null, "stop")),
                usage,
                "default",
                "fp_sim");
        exchange.responseHeader("x-request-id", "req_sim_" + n);
        exchange.respondJson(200, completion);
    }

    private static boolean hasBearerKey(String authorization) {
        return authorization != null
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && !authorization.substring(7).isBlank();
    }

    private static ChatCompletion.Usage usage(UsageHeaders headers, ChatRequest request) {
        long promptTokens = headers.promptTokens().orElse(request.estimatedPromptTokens());
        long completionTokens = headers.completionTokens().orElseGet(() ->
                Math.min(request.maxOutputTokens().orElse(DEFAULT_COMPLETION_TOKENS), DEFAULT_COMPLETION_TOKENS));
        long totalTokens;
        try {
            totalTokens = Math.addExact(promptTokens, completionTokens);
        } catch (ArithmeticException e) {
            throw new InvalidRequestException("Invalid headers " + SimHeaders.PROMPT_TOKENS + " and "
                    + SimHeaders.COMPLETION_TOKENS + ": their sum is too large.");
        }
        return new ChatCompletion.Usage(promptTokens, completionTokens, totalTokens,
                new ChatCompletion.PromptTokensDetails(headers.cachedTokens().orElse(0), 0),
                new ChatCompletion.CompletionTokensDetails(headers.reasoningTokens().orElse(0), 0, 0, 0));
    }

    /** The usage the caller chose with {@code x-sim-*-tokens} headers; each one absent means "derive it". */
    private record UsageHeaders(OptionalLong promptTokens, OptionalLong completionTokens, OptionalLong cachedTokens,
                                OptionalLong reasoningTokens) {

        static UsageHeaders read(Exchange exchange) {
            return new UsageHeaders(
                    SimHeaders.nonNegativeLong(exchange, SimHeaders.PROMPT_TOKENS),
                    SimHeaders.nonNegativeLong(exchange, SimHeaders.COMPLETION_TOKENS),
                    SimHeaders.nonNegativeLong(exchange, SimHeaders.CACHED_TOKENS),
                    SimHeaders.nonNegativeLong(exchange, SimHeaders.REASONING_TOKENS));
        }
    }

    private static String answer(long completionTokens) {
        int words = (int) Math.min(completionTokens, MAX_ANSWER_WORDS);
        StringBuilder text = new StringBuilder(words * 8);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[i % WORDS.length]);
        }
        return text.toString();
    }
}
