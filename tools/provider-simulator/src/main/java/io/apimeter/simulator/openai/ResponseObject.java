package io.apimeter.simulator.openai;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's {@code response} object of the Responses API, with every field the API reference marks as always
 * present, so that the official SDKs parse it. {@code usage} is null until the response is completed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "object", "created_at", "status", "background", "error", "incomplete_details",
        "instructions", "max_output_tokens", "max_tool_calls", "model", "output", "parallel_tool_calls",
        "previous_response_id", "reasoning", "service_tier", "store", "temperature", "text", "tool_choice", "tools",
        "top_logprobs", "top_p", "truncation", "usage", "user", "metadata"})
public record ResponseObject(String id, String object, long createdAt, String status, boolean background,
                             Object error, Object incompleteDetails, String instructions, Long maxOutputTokens,
                             Long maxToolCalls, String model, List<OutputMessage> output, boolean parallelToolCalls,
                             String previousResponseId, Map<String, Object> reasoning, String serviceTier,
                             boolean store, double temperature, Map<String, Object> text, String toolChoice,
                             List<Object> tools, int topLogprobs, double topP, String truncation, Usage usage,
                             String user, Map<String, String> metadata) {

    /** An assistant message in {@code output}. */
    @JsonPropertyOrder({"type", "id", "status", "role", "content"})
    public record OutputMessage(String type, String id, String status, String role, List<OutputText> content) {
    }

    /** An {@code output_text} content part. */
    @JsonPropertyOrder({"type", "annotations", "logprobs", "text"})
    public record OutputText(String type, List<Object> annotations, List<Object> logprobs, String text) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"input_tokens", "input_tokens_details", "output_tokens", "output_tokens_details",
            "total_tokens"})
    public record Usage(long inputTokens, InputTokensDetails inputTokensDetails, long outputTokens,
                        OutputTokensDetails outputTokensDetails, long totalTokens) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InputTokensDetails(long cachedTokens) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OutputTokensDetails(long reasoningTokens) {
    }
}
