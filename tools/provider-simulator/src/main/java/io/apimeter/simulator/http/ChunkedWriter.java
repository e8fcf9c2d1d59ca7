package io.apimeter.simulator.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Writes a chunked answer one chunk at a time on the request's event loop: a timer between chunks when a delay
 * is asked for, the drain handler when the client reads slower than we write, and nothing at all once the
 * client has gone away.
 */
final class ChunkedWriter {

    /**
     * Least wait between the last chunk of a stream cut short and the broken connection, so that clients get
     * what was sent before the break rather than losing it to the reset.
     */
    static final long ABORT_GRACE_MS = 20;

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final List<Buffer> chunks;
    private final long delayMs;
    private final long abortAfter;
    private int next;

    ChunkedWriter(Vertx vertx, HttpServerRequest request, List<Buffer> chunks, long delayMs, long abortAfter) {
        this.vertx = vertx;
        this.request = request;
        this.response = request.response();
        this.chunks = chunks;
        this.delayMs = delayMs;
        this.abortAfter = abortAfter;
    }

    void start() {
        response.setChunked(true);
        if (abortAfter == 0) {
            // Headers only, then a broken connection.
            response.writeHead().onComplete(done -> abortLater());
            return;
        }
        if (chunks.isEmpty()) {
            response.end();
            return;
        }
        writeFrom();
    }

    /** Breaks the connection when the next chunk would have been due (at least {@value #ABORT_GRACE_MS} ms). */
    private void abortLater() {
        vertx.setTimer(Math.max(delayMs, ABORT_GRACE_MS), id -> request.connection().close());
    }

    /** Writes chunks until one needs a pause, the client pushes back, or the stream is over. */
    private void writeFrom() {
        while (true) {
            if (response.closed() || response.ended()) {
                return;
            }
            Buffer chunk = chunks.get(next++);
            if (abortAfter > 0 && next == abortAfter && next < chunks.size()) {
                response.write(chunk).onComplete(done -> abortLater());
                return;
            }
            if (next == chunks.size()) {
                response.end(chunk);
                return;
            }
            response.write(chunk);
            if (delayMs > 0) {
                vertx.setTimer(delayMs, id -> writeFrom());
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(drained -> {
                    response.drainHandler(null);
                    writeFrom();
                });
                return;
            }
        }
    }
}
