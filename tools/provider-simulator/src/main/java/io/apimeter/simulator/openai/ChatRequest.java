package io.apimeter.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.http.InvalidRequestException;
import io.apimeter.simulator.http.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * What the simulator reads from a chat completions request body, validated as OpenAI would.
 *
 * @param model                 the model as sent
 * @param estimatedPromptTokens sum over messages of ceil(characters of text / 4) + 4, the prompt tokens reported
 *                              when the caller does not name them
 * @param maxOutputTokens       {@code max_completion_tokens}, else {@code max_tokens}, when given
 */
record ChatRequest(String model, long estimatedPromptTokens, OptionalLong maxOutputTokens) {

    /** Tokens added per message on top of its text, roughly OpenAI's per-message overhead. */
    static final long TOKENS_PER_MESSAGE = 4;

    static ChatRequest parse(Buffer body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("We could not parse the JSON body of your request. The OpenAI API "
                    + "expects a JSON object, but what was sent was not a valid one.");
        }
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw new InvalidRequestException("You must provide a model parameter.", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new InvalidRequestException("Invalid 'model': expected a non-empty string.", "model");
        }
        JsonNode stream = root.get("stream");
        if (stream != null && stream.asBoolean(false)) {
            throw new InvalidRequestException("Streaming ('stream': true) is not supported by the simulator.", "stream");
        }
        return new ChatRequest(model.asText(), estimatePromptTokens(root.get("messages")), maxOutputTokens(root));
    }

    private static long estimatePromptTokens(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw new InvalidRequestException("Missing required parameter: 'messages'.", "messages");
        }
        if (!messages.isArray()) {
            throw new InvalidRequestException("Invalid type for 'messages': expected an array of objects, but got "
                    + messages.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " instead.", "messages");
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
            tokens += (textLength(message.get("content")) + 3) / 4 + TOKENS_PER_MESSAGE;
        }
        return tokens;
    }

    /** A string content, or the text parts of an array content; other content (images, none) counts nothing. */
    private static long textLength(JsonNode content) {
        if (content == null) {
            return 0;
        }
        if (content.isTextual()) {
            String text = content.asText();
            return text.codePointCount(0, text.length());
        }
        long length = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                JsonNode text = part.get("text");
                if (text != null && text.isTextual()) {
                    length += text.asText().codePointCount(0, text.asText().length());
                }
            }
        }
        return length;
    }

    private static OptionalLong maxOutputTokens(JsonNode root) {
        OptionalLong maxCompletionTokens = positiveInteger(root, "max_completion_tokens");
        return maxCompletionTokens.isPresent() ? maxCompletionTokens : positiveInteger(root, "max_tokens");
    }

    private static OptionalLong positiveInteger(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidRequestException("Invalid type for '" + name + "': expected an integer.", name);
        }
        if (value.asLong() < 1) {
            throw new InvalidRequestException("Invalid '" + name + "': integer below minimum value. Expected a value "
                    + ">= 1, but got " + value.asLong() + " instead.", name);
        }
        return OptionalLong.of(value.asLong());
    }
}
