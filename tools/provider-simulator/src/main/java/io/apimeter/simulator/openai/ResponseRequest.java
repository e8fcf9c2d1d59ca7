package io.apimeter.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.http.InvalidRequestException;
import io.vertx.core.buffer.Buffer;
import java.util.OptionalLong;

/**
 * What the simulator reads from a Responses API request body ({@code POST /responses}), validated as OpenAI would.
 *
 * @param model                 the model as sent
 * @param instructions          the system instructions, or {@code null}
 * @param estimatedInputTokens  the input tokens reported when the caller does not name them: ceil(characters / 4)
 *                              + 4 for a string input, for each input item (its content's text) and for the
 *                              instructions
 * @param maxOutputTokens       {@code max_output_tokens}, when given
 * @param stream                {@code "stream": true}
 */
record ResponseRequest(String model, String instructions, long estimatedInputTokens, OptionalLong maxOutputTokens,
                       boolean stream) {

    static ResponseRequest parse(Buffer body) {
        JsonNode root = OpenAiBodies.object(body);
        String model = OpenAiBodies.model(root);
        String instructions = OpenAiBodies.optionalString(root, "instructions");
        long tokens = estimateInputTokens(root.get("input"));
        if (instructions != null) {
            tokens += OpenAiBodies.tokensOf(OpenAiBodies.characters(instructions)) + ChatRequest.TOKENS_PER_MESSAGE;
        }
        return new ResponseRequest(model, instructions, tokens,
                OpenAiBodies.positiveInteger(root, "max_output_tokens"), OpenAiBodies.bool(root, "stream", "stream"));
    }

    private static long estimateInputTokens(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidRequestException("Missing required parameter: 'input'.", "input");
        }
        if (input.isTextual()) {
            return OpenAiBodies.tokensOf(OpenAiBodies.characters(input.asText())) + ChatRequest.TOKENS_PER_MESSAGE;
        }
        if (!input.isArray()) {
            throw new InvalidRequestException("Invalid type for 'input': expected a string or an array of input "
                    + "items, but got " + OpenAiBodies.typeName(input) + " instead.", "input");
        }
        long tokens = 0;
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!item.isObject()) {
                throw new InvalidRequestException("Invalid type for 'input[" + i + "]': expected an object, but got "
                        + OpenAiBodies.typeName(item) + " instead.", "input[" + i + "]");
            }
            long characters = OpenAiBodies.textLength(item.get("content"));
            JsonNode output = item.get("output");
            if (output != null && output.isTextual()) {
                characters += OpenAiBodies.characters(output.asText()); // a function call's output
            }
            tokens += OpenAiBodies.tokensOf(characters) + ChatRequest.TOKENS_PER_MESSAGE;
        }
        return tokens;
    }
}
