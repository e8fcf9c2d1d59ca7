package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.EventJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a few top-level fields of a JSON object with a streaming parser, skipping the rest unread into a tree
 * (the messages of a request, the choices of an answer): far less work and garbage than a whole tree.
 */
final class JsonFields {
    private JsonFields() {
    }

    /**
     * The wanted top-level fields of {@code json} that are present (later duplicates win); empty when it is not
     * a JSON object (the provider, not the gateway, judges a request's body).
     */
    static Map<String, JsonNode> read(byte[] json, Set<String> wanted) {
        Map<String, JsonNode> found = new HashMap<>(4);
        if (json == null || json.length == 0) {
            return found;
        }
        try (JsonParser parser = EventJson.mapper().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return found;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (wanted.contains(name)) {
                    found.put(name, parser.readValueAsTree());
                } else {
                    parser.skipChildren();
                }
            }
            return found;
        } catch (IOException e) {
            return new HashMap<>(0);
        }
    }

    /** The text of a field, or null when it is missing or no string. */
    static String text(Map<String, JsonNode> fields, String name) {
        JsonNode value = fields.get(name);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
