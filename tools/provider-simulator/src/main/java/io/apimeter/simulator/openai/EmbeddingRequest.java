package io.apimeter.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.http.InvalidRequestException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the simulator reads from an embeddings request body, validated as OpenAI would.
 *
 * @param model                 the model as sent
 * @param inputs                one entry per input: its text, or its token ids
 * @param estimatedPromptTokens the prompt tokens reported when the caller does not name them: ceil(characters / 4)
 *                              per text input, the number of tokens per token-array input
 * @param dimensions            {@code dimensions} (1 to {@value #MAX_DIMENSIONS}), else {@value #DEFAULT_DIMENSIONS}
 * @param base64                {@code "encoding_format": "base64"}: vectors as base64 of little-endian float32
 */
record EmbeddingRequest(String model, List<Input> inputs, long estimatedPromptTokens, int dimensions, boolean base64) {

    /** Length of the vectors when the request does not ask for one; small so that answers stay light. */
    static final int DEFAULT_DIMENSIONS = 8;
    /** The largest {@code dimensions} accepted (text-embedding-3-large's). */
    static final int MAX_DIMENSIONS = 3072;
    /** OpenAI's limit on the number of inputs in one request. */
    static final int MAX_INPUTS = 2048;

    static EmbeddingRequest parse(Buffer body) {
        JsonNode root = OpenAiBodies.object(body);
        String model = OpenAiBodies.model(root);
        List<Input> inputs = inputs(root.get("input"));
        long tokens = 0;
        for (Input input : inputs) {
            tokens += input.tokens().length > 0 ? input.tokens().length
                    : OpenAiBodies.tokensOf(OpenAiBodies.characters(input.text()));
        }
        OptionalLong dimensions = OpenAiBodies.positiveInteger(root, "dimensions");
        if (dimensions.isPresent() && dimensions.getAsLong() > MAX_DIMENSIONS) {
            throw new InvalidRequestException("Invalid 'dimensions': integer above maximum value. Expected a value <= "
                    + MAX_DIMENSIONS + ", but got " + dimensions.getAsLong() + " instead.", "dimensions");
        }
        String format = OpenAiBodies.optionalString(root, "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw new InvalidRequestException("Invalid value for 'encoding_format': expected one of 'float' or "
                    + "'base64', but got '" + format + "' instead.", "encoding_format");
        }
        return new EmbeddingRequest(model, inputs, tokens,
                (int) dimensions.orElse(DEFAULT_DIMENSIONS), "base64".equals(format));
    }

    /** A string, an array of strings, an array of token ids, or an array of arrays of token ids. */
    private static List<Input> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidRequestException("Missing required parameter: 'input'.", "input");
        }
        if (input.isTextual()) {
            return List.of(text(input, "input"));
        }
        if (!input.isArray()) {
            throw invalidInput();
        }
        if (input.isEmpty()) {
            throw new InvalidRequestException("Invalid 'input': empty array. Expected an array with minimum length 1, "
                    + "but got an empty array instead.", "input");
        }
        if (input.size() > MAX_INPUTS) {
            throw new InvalidRequestException("Invalid 'input': array too long. Expected an array with maximum length "
                    + MAX_INPUTS + ", but got an array with length " + input.size() + " instead.", "input");
        }
        if (input.get(0).isIntegralNumber()) {
            return List.of(tokens(input));
        }
        List<Input> inputs = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isTextual()) {
                inputs.add(text(item, "input[" + i + "]"));
            } else if (item.isArray()) {
                inputs.add(tokens(item));
            } else {
                throw invalidInput();
            }
        }
        return inputs;
    }

    private static Input text(JsonNode node, String param) {
        if (node.asText().isEmpty()) {
            throw new InvalidRequestException("'$." + param + "' is invalid: an input must not be an empty string.",
                    param);
        }
        return new Input(node.asText(), new int[0]);
    }

    private static Input tokens(JsonNode array) {
        if (array.isEmpty()) {
            throw invalidInput();
        }
        int[] tokens = new int[array.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode token = array.get(i);
            if (!token.isIntegralNumber() || !token.canConvertToInt() || token.asInt() < 0) {
                throw invalidInput();
            }
            tokens[i] = token.asInt();
        }
        return new Input(null, tokens);
    }

    private static InvalidRequestException invalidInput() {
        return new InvalidRequestException("Invalid 'input': expected a non-empty string, an array of non-empty "
                + "strings, an array of token ids, or an array of arrays of token ids.", "input");
    }

    /**
     * One input to embed.
     *
     * @param text   its text, or {@code null} for a token-array input
     * @param tokens its token ids (empty for a text input)
     */
    record Input(String text, int[] tokens) {

        /** A stable 64-bit hash of the input (FNV-1a), from which its vector is drawn. */
        long fingerprint() {
            long hash = 0xcbf29ce484222325L;
            if (text != null) {
                for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                    hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
                }
            } else {
                for (int token : tokens) {
                    hash = (hash ^ token) * 0x100000001b3L;
                }
            }
            return hash;
        }
    }
}
