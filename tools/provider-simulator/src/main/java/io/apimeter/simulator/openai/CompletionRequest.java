package io.apimeter.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.http.InvalidRequestException;
import io.vertx.core.buffer.Buffer;
import java.util.OptionalLong;

/**
 * What the simulator reads from a legacy completions request body ({@code POST /completions}).
 *
 * @param model                 the model as sent
 * @param estimatedPromptTokens the prompt tokens reported when the caller does not name them: ceil(characters / 4)
 *                              per text prompt, the number of tokens per token-array prompt
 * @param maxTokens             {@code max_tokens}, when given
 * @param streaming             {@code stream} and {@code stream_options.include_usage}
 */
record CompletionRequest(String model, long estimatedPromptTokens, OptionalLong maxTokens,
                         OpenAiBodies.Streaming streaming) {

    static CompletionRequest parse(Buffer body) {
        JsonNode root = OpenAiBodies.object(body);
        String model = OpenAiBodies.model(root);
        long promptTokens = estimatePromptTokens(root.get("prompt"));
        return new CompletionRequest(model, promptTokens, OpenAiBodies.positiveInteger(root, "max_tokens"),
                OpenAiBodies.streaming(root));
    }

    /** A string, an array of strings, an array of token ids, or an array of arrays of token ids. */
    private static long estimatePromptTokens(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw new InvalidRequestException("Missing required parameter: 'prompt'.", "prompt");
        }
        if (prompt.isTextual()) {
            return OpenAiBodies.tokensOf(OpenAiBodies.characters(prompt.asText()));
        }
        if (!prompt.isArray()) {
            throw invalidPrompt();
        }
        long tokens = 0;
        for (JsonNode item : prompt) {
            if (item.isTextual()) {
                tokens += OpenAiBodies.tokensOf(OpenAiBodies.characters(item.asText()));
            } else if (item.isIntegralNumber()) {
                tokens++;
            } else if (item.isArray() && allIntegers(item)) {
                tokens += item.size();
            } else {
                throw invalidPrompt();
            }
        }
        return tokens;
    }

    private static boolean allIntegers(JsonNode array) {
        for (JsonNode token : array) {
            if (!token.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static InvalidRequestException invalidPrompt() {
        return new InvalidRequestException("Invalid 'prompt': expected a string, an array of strings, an array of "
                + "token ids, or an array of arrays of token ids.", "prompt");
    }
}
