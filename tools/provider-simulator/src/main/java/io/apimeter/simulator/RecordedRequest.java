package io.apimeter.simulator;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the simulator received it, kept so that tests can check what the gateway sent upstream.
 *
 * @param method     HTTP method, e.g. {@code POST}
 * @param path       path without the query string, e.g. {@code /openai/v1/chat/completions}
 * @param query      raw query string, or {@code null} when there is none
 * @param headers    headers by lower-case name, in arrival order; repeated headers are joined with {@code ", "}
 * @param body       body decoded as UTF-8 ({@code ""} when there is none)
 * @param receivedAt when the whole request had arrived
 */
public record RecordedRequest(String method, String path, String query, Map<String, String> headers, String body,
                              Instant receivedAt) {

    public RecordedRequest {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The header's value by case-insensitive name, or {@code null}. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
