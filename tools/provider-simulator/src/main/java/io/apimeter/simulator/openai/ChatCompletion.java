package io.apimeter.simulator.openai;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** OpenAI's {@code chat.completion} object, as far as clients and the gateway read it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "service_tier", "system_fingerprint"})
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
                             Usage usage, String serviceTier, String systemFingerprint) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"index", "message", "logprobs", "finish_reason"})
    public record Choice(int index, Message message, Object logprobs, String finishReason) {
    }

    @JsonPropertyOrder({"role", "content", "refusal", "annotations"})
    public record Message(String role, String content, String refusal, List<Object> annotations) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details",
            "completion_tokens_details"})
    public record Usage(long promptTokens, long completionTokens, long totalTokens,
                        PromptTokensDetails promptTokensDetails, CompletionTokensDetails completionTokensDetails) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PromptTokensDetails(long cachedTokens, long audioTokens) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CompletionTokensDetails(long reasoningTokens, long audioTokens, long acceptedPredictionTokens,
                                          long rejectedPredictionTokens) {
    }
}
