package io.apimeter.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * Pipes a provider's streamed answer to the client on the event loop, chunk by chunk as it arrives, never
 * buffering it whole: while the client's connection cannot take more, the provider's answer is paused. Tells,
 * once, how the stream ended: finished, the client gone (the call to the provider is then broken off), or the
 * provider broken off (the client's connection is then closed too, so the client sees the break).
 */
final class StreamRelay {
    /** Called once, when the stream is over for whatever reason. */
    interface Ended {
        void ended(boolean clientGone, boolean upstreamBroken);
    }

    /** What goes to the client of what has come so far; what it keeps back is given again with the next chunk. */
    interface Chunks {
        /** What to send now of {@code chunk} (and of what was kept back before); null or empty: nothing yet. */
        Buffer take(Buffer chunk);

        /** What is still kept back when the provider's answer ends; null when nothing. */
        Buffer rest();
    }

    /** Every byte as it comes: audio. */
    static final Chunks AS_IS = new Chunks() {
        public Buffer take(Buffer chunk) {
            return chunk;
        }

        public Buffer rest() {
            return null;
        }
    };

    private final UpstreamClient.Upstream upstream;
    private final HttpServerResponse client;
    private final Chunks chunks;
    private final Ended onEnd;
    private boolean over;
    /** Chunks ready for the client, written together once the current read from the provider is handled. */
    private Buffer outgoing;
    /** Whether {@link #outgoing} is a buffer of the relay's own (not a chunk as it came, which is not appended to). */
    private boolean merged;

    private StreamRelay(UpstreamClient.Upstream upstream, HttpServerResponse client, Chunks chunks, Ended onEnd) {
        this.upstream = upstream;
        this.client = client;
        this.chunks = chunks;
        this.onEnd = onEnd;
    }

    /**
     * Starts relaying; the client's status and headers must be set. Every callback runs on the event loop of
     * the client's connection, the one that called the provider.
     */
    static void start(UpstreamClient.Upstream upstream, HttpServerResponse client, Chunks chunks, Ended onEnd) {
        new StreamRelay(upstream, client, chunks, onEnd).run();
    }

    private void run() {
        HttpClientResponse answer = upstream.response();
        client.setChunked(true);
        client.closeHandler(closed -> clientGone());
        client.exceptionHandler(error -> clientGone());
        answer.handler(this::relay);
        answer.exceptionHandler(error -> upstreamBroken());
        answer.endHandler(end -> finished());
        if (client.closed()) {
            clientGone();
            return;
        }
        answer.resume();
    }

    private void relay(Buffer chunk) {
        if (over) {
            return;
        }
        Buffer ready = chunks.take(chunk);
        if (ready == null || ready.length() == 0) {
            return;
        }
        if (client.closed()) {
            clientGone();
            return;
        }
        // The chunks that came in one read from the provider go to the client in one write (one system call,
        // not one per event), right after that read: as they arrive, without waiting for more.
        if (outgoing == null) {
            outgoing = ready;
            Vertx.currentContext().runOnContext(flush -> flush());
        } else {
            if (!merged) {
                outgoing = Buffer.buffer(outgoing.length() + ready.length() + 1024).appendBuffer(outgoing);
                merged = true;
            }
            outgoing.appendBuffer(ready);
        }
    }

    /** Writes what came since the last write; pauses the provider while the client cannot take more. */
    private void flush() {
        Buffer ready = take();
        if (over || ready == null) {
            return;
        }
        if (client.closed()) {
            clientGone();
            return;
        }
        client.write(ready);
        if (client.writeQueueFull()) {
            HttpClientResponse answer = upstream.response();
            answer.pause();
            client.drainHandler(drained -> {
                if (!over) {
                    answer.resume();
                }
            });
        }
    }

    /** What is waiting to be written, taken out. */
    private Buffer take() {
        Buffer ready = outgoing;
        outgoing = null;
        merged = false;
        return ready;
    }

    /** What is waiting to be written and what the chunks keep back at the end, together. */
    private Buffer remaining() {
        Buffer waiting = take();
        Buffer rest = chunks.rest();
        if (rest == null || rest.length() == 0) {
            return waiting;
        }
        return waiting == null ? rest : Buffer.buffer(waiting.length() + rest.length()).appendBuffer(waiting)
                .appendBuffer(rest);
    }

    private void finished() {
        if (over) {
            return;
        }
        if (client.closed()) {
            clientGone();
            return;
        }
        over = true;
        Buffer rest = remaining();
        if (rest != null && rest.length() > 0) {
            client.end(rest);
        } else {
            client.end();
        }
        onEnd.ended(false, false);
    }

    private void clientGone() {
        if (over) {
            return;
        }
        over = true;
        upstream.abort();
        onEnd.ended(true, false);
    }

    private void upstreamBroken() {
        if (over) {
            return;
        }
        over = true;
        if (!client.closed()) {
            Buffer rest = remaining();
            if (rest != null && rest.length() > 0) {
                client.write(rest);
            }
            client.reset();
        }
        onEnd.ended(false, true);
    }
}
