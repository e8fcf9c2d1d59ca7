package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens with OpenAI's own tokenizers, for a call whose usage the provider never reported (the client
 * went away mid-stream). Such counts are marked as estimated in the UsageEvent.
 */
final class TokenEstimator {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private TokenEstimator() {
    }

    static long count(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encodingFor(model).countTokens(text);
    }

    /** The text a request sends: chat messages, a Responses API input, or a legacy prompt. */
    static String inputText(JsonNode request) {
        if (request == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        request.path("messages").forEach(message -> appendContent(text, message.path("content")));
        appendContent(text, request.path("input"));
        appendContent(text, request.path("prompt"));
        appendContent(text, request.path("instructions"));
        return text.toString();
    }

    private static void appendContent(StringBuilder text, JsonNode content) {
        if (content.isTextual()) {
            text.append(content.asText()).append('\n');
        } else if (content.isArray()) {
            content.forEach(part -> {
                if (part.isTextual()) {
                    text.append(part.asText()).append('\n');
                } else {
                    appendContent(text, part.path("text"));
                    appendContent(text, part.path("content"));
                }
            });
        }
    }

    private static Encoding encodingFor(String model) {
        if (model != null) {
            var known = REGISTRY.getEncodingForModel(model);
            if (known.isPresent()) {
                return known.get();
            }
            if (model.startsWith("gpt-4o") || model.startsWith("o1") || model.startsWith("o3") || model.startsWith("gpt-5")) {
                return REGISTRY.getEncoding(EncodingType.O200K_BASE);
            }
        }
        return REGISTRY.getEncoding(EncodingType.CL100K_BASE);
    }
}
