package io.apimeter.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.http.InvalidRequestException;
import io.apimeter.simulator.http.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Locale;
import java.util.OptionalLong;

/** Reading and validating the parts that OpenAI's request bodies share, with OpenAI's error messages. */
final class OpenAiBodies {

    private OpenAiBodies() {
    }

    /** The body as a JSON object, else a 400. */
    static JsonNode object(Buffer body) {
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
        return root;
    }

    /** The required, non-blank {@code model}. */
    static String model(JsonNode root) {
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw new InvalidRequestException("You must provide a model parameter.", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new InvalidRequestException("Invalid 'model': expected a non-empty string.", "model");
        }
        return model.asText();
    }

    /** An optional string field, {@code null} when absent. */
    static String optionalString(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException("Invalid type for '" + name + "': expected a string, but got "
                    + typeName(value) + " instead.", name);
        }
        return value.asText();
    }

    /** An optional integer field that must be at least 1. */
    static OptionalLong positiveInteger(JsonNode root, String name) {
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

    /**
     * {@code stream} and {@code stream_options.include_usage}, validated as chat and completions do:
     * {@code stream_options} is only allowed on a stream.
     */
    static Streaming streaming(JsonNode root) {
        boolean stream = bool(root, "stream", "stream");
        JsonNode options = root.get("stream_options");
        if (options == null || options.isNull()) {
            return new Streaming(stream, false);
        }
        if (!stream) {
            throw new InvalidRequestException(
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
        }
        if (!options.isObject()) {
            throw new InvalidRequestException("Invalid type for 'stream_options': expected an object, but got "
                    + typeName(options) + " instead.", "stream_options");
        }
        return new Streaming(true, bool(options, "include_usage", "stream_options.include_usage"));
    }

    /** An optional boolean field, {@code false} when absent or null. */
    static boolean bool(JsonNode parent, String name, String param) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException("Invalid type for '" + param + "': expected a boolean, but got "
                    + typeName(value) + " instead.", param);
        }
        return value.asBoolean();
    }

    /** Characters of text in a message content: a string, or the {@code text} of each part of an array. */
    static long textLength(JsonNode content) {
        if (content == null) {
            return 0;
        }
        if (content.isTextual()) {
            return characters(content.asText());
        }
        long length = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                JsonNode text = part.get("text");
                if (text != null && text.isTextual()) {
                    length += characters(text.asText());
                }
            }
        }
        return length;
    }

    static long characters(String text) {
        return text.codePointCount(0, text.length());
    }

    /** ceil(characters / 4): roughly a token per four characters of English. */
    static long tokensOf(long characters) {
        return (characters + 3) / 4;
    }

    static String typeName(JsonNode value) {
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param stream       {@code "stream": true}
     * @param includeUsage {@code "stream_options": {"include_usage": true}}
     */
    record Streaming(boolean stream, boolean includeUsage) {
    }
}
