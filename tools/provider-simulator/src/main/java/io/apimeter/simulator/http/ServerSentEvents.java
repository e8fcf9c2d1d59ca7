package io.apimeter.simulator.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/** Server-Sent Events as the providers send them: one event per chunk, each ended by a blank line. */
public final class ServerSentEvents {

    /** The content type OpenAI sends with a stream. */
    public static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private ServerSentEvents() {
    }

    /** {@code data: <json>} */
    public static Buffer data(Object value) {
        return Buffer.buffer("data: ").appendBuffer(Json.encode(value)).appendString("\n\n");
    }

    /** {@code event: <type>} then {@code data: <json>} */
    public static Buffer event(String type, Object value) {
        return Buffer.buffer("event: " + type + "\ndata: ").appendBuffer(Json.encode(value)).appendString("\n\n");
    }

    /** {@code data: [DONE]}, OpenAI's end of a chat or completions stream. */
    public static Buffer done() {
        return DONE.copy();
    }
}
