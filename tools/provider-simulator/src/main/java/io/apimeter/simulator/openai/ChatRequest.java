package io.apimeter.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.http.InvalidRequestException;
import io.vertx.core.buffer.Buffer;
import java.util.OptionalLong;

/**
 * What the simulator reads from a chat completions request body, validated as OpenAI would.
 *
 * @param model                 the model as sent
 * @param estimatedPromptTokens sum over messages of ceil(characters of text / 4) + 4, the prompt tokens reported
 *                              when the caller does not name them
 * @param maxOutputTokens       {@code max_completion_tokens}, else {@code max_tokens}, when given
 * @param streaming             {@code stream} and {@code stream_options.include_usage}
 */
record ChatRequest(String model, long estimatedPromptTokens, OptionalLong maxOutputTokens,
                   OpenAiBodies.Streaming streaming) {

    /** Tokens added per message on top of its text, roughly OpenAI's per-message overhead. */
    static final long TOKENS_PER_MESSAGE = 4;

    static ChatRequest parse(Buffer body) {
        JsonNode root = OpenAiBodies.object(body);
        String model = OpenAiBodies.model(root);
        long promptTokens = estimatePromptTokens(root.get("messages"));
        OptionalLong maxCompletionTokens = OpenAiBodies.positiveInteger(root, "max_completion_tokens");
        OptionalLong maxOutputTokens = maxCompletionTokens.isPresent()
                ? maxCompletionTokens : OpenAiBodies.positiveInteger(root, "max_tokens");
        return new ChatRequest(model, promptTokens, maxOutputTokens, OpenAiBodies.streaming(root));
    }

    private static long estimatePromptTokens(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw new InvalidRequestException("Missing required parameter: 'messages'.", "messages");
        }
        if (!messages.isArray()) {
            throw new InvalidRequestException("Invalid type for 'messages': expected an array of objects, but got "
                    + OpenAiBodies.typeName(messages) + " instead.", "messages");
        }
        if (messages.isEmpty()) {
            throw new InvalidRequestException("Invalid 'messages': empty array. Expected an array with minimum "
                    + "length 1, but got an empty array instead.", "messages");
        }
        long tokens = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            if (!message.isObject()) {
                throw new InvalidRequestException("Invalid type for '" + param + "': expected an object.", param);
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual() || role.asText().isBlank()) {
                throw new InvalidRequestException("Missing required parameter: '" + param + ".role'.", param + ".role");
            }
            tokens += OpenAiBodies.tokensOf(OpenAiBodies.textLength(message.get("content"))) + TOKENS_PER_MESSAGE;
        }
        return tokens;
    }
}
