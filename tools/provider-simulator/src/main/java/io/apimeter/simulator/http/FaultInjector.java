package io.apimeter.simulator.http;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Decides how a provider request misbehaves: from the caller's {@code x-sim-*} headers first, then from the
 * simulator's global latency, chunk delay and error rate.
 */
public final class FaultInjector {

    private final long latencyMs;
    private final long chunkDelayMs;
    private final double errorRate;
    // java.util.Random is thread-safe; with one caller at a time its draws, and so the run, are reproducible.
    private final Random random;

    public FaultInjector(Duration latency, Duration chunkDelay, double errorRate, long seed) {
        this.latencyMs = latency.toMillis();
        this.chunkDelayMs = chunkDelay.toMillis();
        this.errorRate = errorRate;
        this.random = new Random(seed);
    }

    /**
     * What to do with this request.
     *
     * @throws InvalidRequestException when an {@code x-sim-*} header is malformed
     */
    Plan plan(Exchange exchange) {
        long latency = boundedLong(exchange, SimHeaders.LATENCY_MS, SimHeaders.MAX_LATENCY_MS).orElse(latencyMs);
        long chunkDelay = boundedLong(exchange, SimHeaders.CHUNK_DELAY_MS, SimHeaders.MAX_CHUNK_DELAY_MS)
                .orElse(chunkDelayMs);
        OptionalLong abortAfter = SimHeaders.nonNegativeLong(exchange, SimHeaders.ABORT_AFTER_CHUNKS);
        int status = requestedStatus(exchange);
        boolean close = SimHeaders.flag(exchange, SimHeaders.CLOSE);
        String lineEnding = SimHeaders.lineEnding(exchange, SimHeaders.LINE_ENDING);
        // Draw for every request, whatever its headers, so that one request's headers do not shift the
        // errors the next requests get.
        boolean randomError = errorRate > 0 && random.nextDouble() < errorRate;
        if (status == 0 && randomError) {
            status = 500;
        }
        return new Plan(latency, close, status,
                new StreamPlan(chunkDelay, abortAfter.isPresent() ? abortAfter.getAsLong() : -1, lineEnding));
    }

    private static OptionalLong boundedLong(Exchange exchange, String header, long max) {
        OptionalLong value = SimHeaders.nonNegativeLong(exchange, header);
        if (value.isPresent() && value.getAsLong() > max) {
            throw new InvalidRequestException("Invalid header " + header + ": at most " + max + " ms, got "
                    + value.getAsLong() + ".");
        }
        return value;
    }

    private static int requestedStatus(Exchange exchange) {
        String raw = exchange.header(SimHeaders.STATUS);
        if (raw == null) {
            return 0;
        }
        int status;
        try {
            status = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 400 || status > 599) {
            throw new InvalidRequestException("Invalid header " + SimHeaders.STATUS
                    + ": expected an HTTP error status from 400 to 599, got '" + raw + "'.");
        }
        return status;
    }

    /**
     * @param delayMs wait this long before doing anything else
     * @param close   then drop the connection without answering
     * @param status  or else answer with this error status (0: no injected error, let the handler answer)
     * @param stream  how a streamed answer is paced and whether it is cut short
     */
    record Plan(long delayMs, boolean close, int status, StreamPlan stream) {
    }

    /**
     * @param chunkDelayMs      pause between two chunks of a streamed answer
     * @param abortAfterChunks  drop the connection after this many chunks; negative: send the whole stream
     * @param lineEnding        what ends the lines of a server-sent-event stream ({@code "\n"}, {@code "\r\n"}
     *                          or {@code "\r"})
     */
    record StreamPlan(long chunkDelayMs, long abortAfterChunks, String lineEnding) {

        StreamPlan(long chunkDelayMs, long abortAfterChunks) {
            this(chunkDelayMs, abortAfterChunks, "\n");
        }

        /** The whole stream, without pauses: what control routes and tests of the writer get. */
        static final StreamPlan NONE = new StreamPlan(0, -1);
    }
}
