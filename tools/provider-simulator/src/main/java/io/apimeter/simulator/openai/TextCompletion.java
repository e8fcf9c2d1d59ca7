package io.apimeter.simulator.openai;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * OpenAI's legacy {@code text_completion} object; a streamed completion sends several, each with one piece of
 * text, {@code usage} null except on the usage chunk.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "object", "created", "model", "system_fingerprint", "choices", "usage"})
public record TextCompletion(String id, String object, long created, String model, String systemFingerprint,
                             List<Choice> choices, Usage usage) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"text", "index", "logprobs", "finish_reason"})
    public record Choice(String text, int index, Object logprobs, String finishReason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"prompt_tokens", "completion_tokens", "total_tokens"})
    public record Usage(long promptTokens, long completionTokens, long totalTokens) {
    }
}
