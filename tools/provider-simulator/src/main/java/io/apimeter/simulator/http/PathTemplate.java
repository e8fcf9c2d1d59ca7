package io.apimeter.simulator.http;

import java.util.HashMap;
import java.util.Map;

/** A route path such as {@code /v1/text-to-speech/{voice_id}}: literal segments and named ones. */
final class PathTemplate {

    private final String template;
    private final String[] segments;
    private final boolean literal;

    PathTemplate(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("A route path starts with '/': " + template);
        }
        this.template = template;
        this.segments = template.substring(1).split("/", -1);
        boolean hasParams = false;
        for (String segment : segments) {
            hasParams |= isParam(segment);
        }
        this.literal = !hasParams;
    }

    /** The path parameters when {@code path} matches, else {@code null}. */
    Map<String, String> match(String path) {
        if (literal) {
            return template.equals(path) ? Map.of() : null;
        }
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < segments.length; i++) {
            if (isParam(segments[i])) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(segments[i].substring(1, segments[i].length() - 1), parts[i]);
            } else if (!segments[i].equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    @Override
    public String toString() {
        return template;
    }

    private static boolean isParam(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }
}
