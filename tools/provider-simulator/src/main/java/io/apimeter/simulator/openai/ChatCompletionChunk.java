package io.apimeter.simulator.openai;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's {@code chat.completion.chunk}, one Server-Sent Event of a streamed chat completion. {@code usage} is
 * written as {@code null} on every chunk but the last one of a stream that asked for usage.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "object", "created", "model", "service_tier", "system_fingerprint", "choices", "usage"})
record ChatCompletionChunk(String id, String object, long created, String model, String serviceTier,
                           String systemFingerprint, List<Choice> choices, ChatCompletion.Usage usage) {

    /**
     * @param delta only the fields this chunk adds: {@code role} (and an empty {@code content}) first, then
     *              {@code content} pieces, then nothing with the {@code finish_reason}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"index", "delta", "logprobs", "finish_reason"})
    record Choice(int index, Map<String, Object> delta, Object logprobs, String finishReason) {
    }
}
