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
 * {@code POST /openai/v1/responses}: the Responses API, whole or streamed as typed events, with the usage the caller
 * chooses with {@code x-sim-*-tokens} headers or derived from the request.
 */
final class Responses {

    private final OpenAiRoutes routes;
    private final AtomicLong sequence = new AtomicLong();

    Responses(OpenAiRoutes routes) {
        this.routes = routes;
    }

    void handle(Exchange exchange) {
        if (!routes.authorized(exchange)) {
            return;
        }
        UsageHeaders usageHeaders = UsageHeaders.read(exchange);
        ResponseRequest request = ResponseRequest.parse(exchange.body());
        ResponseObject.Usage usage = usage(usageHeaders, request);
        long n = sequence.incrementAndGet();
        Draft draft = new Draft("resp_sim_" + n, "msg_sim_" + n, Instant.now().getEpochSecond(), request,
                SimulatedText.answer(usage.outputTokens()));
        exchange.responseHeader("x-request-id", routes.nextRequestId());
        if (request.stream()) {
            exchange.responseHeader("cache-control", "no-cache");
            exchange.stream(200, ServerSentEvents.CONTENT_TYPE, events(draft, usage));
        } else {
            exchange.respondJson(200, draft.response("completed", List.of(draft.message("completed")), usage));
        }
    }

    /** The events OpenAI sends for a one-message answer, each with its {@code sequence_number}. */
    private static List<Buffer> events(Draft draft, ResponseObject.Usage usage) {
        Events events = new Events();
        ResponseObject inProgress = draft.response("in_progress", List.of(), null);
        events.add("response.created", "response", inProgress);
        events.add("response.in_progress", "response", inProgress);
        events.add("response.output_item.added", "output_index", 0,
                "item", new ResponseObject.OutputMessage("message", draft.messageId(), "in_progress", "assistant",
                        List.of()));
        events.add("response.content_part.added", "item_id", draft.messageId(), "output_index", 0,
                "content_index", 0, "part", outputText(""));
        for (String piece : SimulatedText.pieces(draft.text())) {
            events.add("response.output_text.delta", "item_id", draft.messageId(), "output_index", 0,
                    "content_index", 0, "delta", piece, "logprobs", List.of());
        }
        events.add("response.output_text.done", "item_id", draft.messageId(), "output_index", 0,
                "content_index", 0, "text", draft.text(), "logprobs", List.of());
        events.add("response.content_part.done", "item_id", draft.messageId(), "output_index", 0,
                "content_index", 0, "part", outputText(draft.text()));
        ResponseObject.OutputMessage done = draft.message("completed");
        events.add("response.output_item.done", "output_index", 0, "item", done);
        events.add("response.completed", "response", draft.response("completed", List.of(done), usage));
        return events.buffers;
    }

    private static ResponseObject.OutputText outputText(String text) {
        return new ResponseObject.OutputText("output_text", List.of(), List.of(), text);
    }

    private static ResponseObject.Usage usage(UsageHeaders headers, ResponseRequest request) {
        long inputTokens = headers.promptTokens().orElse(request.estimatedInputTokens());
        long outputTokens = headers.completionTokensOr(request.maxOutputTokens(),
                SimulatedText.DEFAULT_COMPLETION_TOKENS);
        return new ResponseObject.Usage(inputTokens,
                new ResponseObject.InputTokensDetails(headers.cachedTokens().orElse(0)),
                outputTokens,
                new ResponseObject.OutputTokensDetails(headers.reasoningTokens().orElse(0)),
                UsageHeaders.total(inputTokens, outputTokens));
    }

    /** What a response is made of, before it is written whole or as events. */
    private record Draft(String id, String messageId, long createdAt, ResponseRequest request, String text) {

        ResponseObject.OutputMessage message(String status) {
            return new ResponseObject.OutputMessage("message", messageId, status, "assistant",
                    List.of(outputText(text)));
        }

        ResponseObject response(String status, List<ResponseObject.OutputMessage> output,
                                ResponseObject.Usage usage) {
            Map<String, Object> reasoning = new LinkedHashMap<>();
            reasoning.put("effort", null);
            reasoning.put("summary", null);
            Map<String, Object> text = new LinkedHashMap<>();
            text.put("format", Map.of("type", "text"));
            text.put("verbosity", "medium");
            return new ResponseObject(id, "response", createdAt, status, false, null, null, request.instructions(),
                    request.maxOutputTokens().isPresent() ? request.maxOutputTokens().getAsLong() : null, null,
                    request.model(), output, true, null, reasoning, "default", true, 1.0, text, "auto", List.of(),
                    0, 1.0, "disabled", usage, null, Map.of());
        }
    }

    /** Numbers the events as they are added. */
    private static final class Events {

        private final List<Buffer> buffers = new ArrayList<>();

        void add(String type, Object... fields) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("type", type);
            event.put("sequence_number", buffers.size());
            for (int i = 0; i < fields.length; i += 2) {
                event.put((String) fields[i], fields[i + 1]);
            }
            buffers.add(ServerSentEvents.event(type, event));
        }
    }
}
