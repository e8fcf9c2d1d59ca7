package io.apimeter.simulator.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One request with its whole body, and the ways to answer it. Used on the request's event loop only. */
public final class Exchange {

    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final Buffer body;
    private final Map<String, String> pathParams;
    private FaultInjector.StreamPlan streamPlan = FaultInjector.StreamPlan.NONE;

    Exchange(Vertx vertx, HttpServerRequest request, Buffer body, Map<String, String> pathParams) {
        this.vertx = vertx;
        this.request = request;
        this.body = body;
        this.pathParams = pathParams;
    }

    /** The Vert.x instance serving the request, e.g. for timers or an HTTP client. */
    public Vertx vertx() {
        return vertx;
    }

    void streamPlan(FaultInjector.StreamPlan plan) {
        this.streamPlan = plan;
    }

    /** The underlying request, for anything this class does not cover. */
    public HttpServerRequest request() {
        return request;
    }

    public String method() {
        return request.method().name();
    }

    public String path() {
        return request.path();
    }

    /** A header by case-insensitive name, or {@code null}. */
    public String header(String name) {
        return request.getHeader(name);
    }

    /** A query parameter, or {@code null}. */
    public String queryParam(String name) {
        return request.getParam(name);
    }

    /** A {@code {name}} segment of the route's path template, or {@code null}. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public Buffer body() {
        return body;
    }

    public String bodyAsString() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Whether the answer was already sent or the client went away. */
    public boolean isDone() {
        return request.response().ended() || request.response().closed();
    }

    /** Adds a response header; call before answering. */
    public Exchange responseHeader(String name, String value) {
        request.response().putHeader(name, value);
        return this;
    }

    /** Answers with {@code value} written as JSON. */
    public void respondJson(int status, Object value) {
        respond(status, APPLICATION_JSON, Json.encode(value));
    }

    public void respond(int status, CharSequence contentType, Buffer content) {
        if (isDone()) {
            return;
        }
        HttpServerResponse response = request.response();
        response.setStatusCode(status);
        if (contentType != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        }
        response.end(content);
    }

    /**
     * Answers with a chunked body written one chunk at a time, without blocking: the status and headers go out
     * with the first chunk, then each further chunk after the request's chunk delay
     * ({@code x-sim-chunk-delay-ms}, else the global one). With {@code x-sim-abort-after-chunks: n} the
     * connection is dropped after n chunks instead of ending the answer. With {@code x-sim-line-ending: crlf}
     * or {@code cr}, the lines of a server-sent-event stream end that way instead of with {@code \n}.
     */
    public void stream(int status, CharSequence contentType, List<Buffer> chunks) {
        if (isDone()) {
            return;
        }
        HttpServerResponse response = request.response();
        response.setStatusCode(status);
        if (contentType != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        }
        List<Buffer> sent = chunks;
        if (!"\n".equals(streamPlan.lineEnding()) && contentType != null
                && contentType.toString().startsWith("text/event-stream")) {
            sent = chunks.stream().map(chunk -> withLineEnding(chunk, streamPlan.lineEnding())).toList();
        }
        new ChunkedWriter(vertx, request, sent, streamPlan.chunkDelayMs(), streamPlan.abortAfterChunks()).start();
    }

    /** The event text with its {@code \n}s replaced; JSON data has none of its own (they are escaped). */
    private static Buffer withLineEnding(Buffer chunk, String lineEnding) {
        return Buffer.buffer(chunk.toString(StandardCharsets.UTF_8).replace("\n", lineEnding), "UTF-8");
    }

    /** Drops the connection without an answer, as a broken upstream would. */
    public void abort() {
        if (!isDone()) {
            request.connection().close();
        }
    }
}
