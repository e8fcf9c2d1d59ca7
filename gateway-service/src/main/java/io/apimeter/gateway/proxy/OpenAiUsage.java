package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.Usage;

/** Reads the billed tokens from an OpenAI answer's {@code usage} object. */
public final class OpenAiUsage {
    private OpenAiUsage() {
    }

    /** The usage an answer reports; {@link Usage#NONE} when it reports none. */
    public static Usage from(JsonNode answer) {
        return ofUsage(answer == null ? null : answer.get("usage"));
    }

    /** The usage of an answer's {@code usage} object itself; {@link Usage#NONE} when it is none. */
    public static Usage ofUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        long input = first(usage, "prompt_tokens", "input_tokens");
        long output = first(usage, "completion_tokens", "output_tokens");
        long cached = nested(usage, "prompt_tokens_details", "input_tokens_details", "cached_tokens");
        long reasoning = nested(usage, "completion_tokens_details", "output_tokens_details", "reasoning_tokens");
        return new Usage(input, output, cached, reasoning, 0, 0, false);
    }

    private static long first(JsonNode node, String name, String alternative) {
        JsonNode value = node.has(name) ? node.get(name) : node.get(alternative);
        return value != null && value.canConvertToLong() && value.asLong() > 0 ? value.asLong() : 0;
    }

    private static long nested(JsonNode node, String object, String alternative, String field) {
        JsonNode details = node.has(object) ? node.get(object) : node.get(alternative);
        return details == null || !details.isObject() ? 0 : first(details, field, field);
    }
}
