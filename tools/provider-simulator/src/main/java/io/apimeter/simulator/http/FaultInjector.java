package io.apimeter.simulator.http;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Decides how a provider request misbehaves: from the caller's {@code x-sim-*} headers first, then from the
 * simulator's global latency and error rate.
 */
public final class FaultInjector {

    /** No fault: answer at once. */
    static final Plan NONE = new Plan(0, false, 0);

    private final long latencyMs;
    private final double errorRate;
    // java.util.Random is thread-safe; with one caller at a time its draws, and so the run, are reproducible.
    private final Random random;

    public FaultInjector(Duration latency, double errorRate, long seed) {
        this.latencyMs = latency.toMillis();
        this.errorRate = errorRate;
        this.random = new Random(seed);
    }

    /**
     * What to do with this request.
     *
     * @throws InvalidRequestException when an {@code x-sim-*} header is malformed
     */
    Plan plan(Exchange exchange) {
        OptionalLong requestedLatency = SimHeaders.nonNegativeLong(exchange, SimHeaders.LATENCY_MS);
        if (requestedLatency.isPresent() && requestedLatency.getAsLong() > SimHeaders.MAX_LATENCY_MS) {
            throw new InvalidRequestException("Invalid header " + SimHeaders.LATENCY_MS + ": at most "
                    + SimHeaders.MAX_LATENCY_MS + " ms, got " + requestedLatency.getAsLong() + ".");
        }
        int status = requestedStatus(exchange);
        boolean close = SimHeaders.flag(exchange, SimHeaders.CLOSE);
        // Draw for every request, whatever its headers, so that one request's headers do not shift the
        // errors the next requests get.
        boolean randomError = errorRate > 0 && random.nextDouble() < errorRate;
        if (status == 0 && randomError) {
            status = 500;
        }
        long delay = requestedLatency.orElse(latencyMs);
        if (delay == 0 && status == 0 && !close) {
            return NONE;
        }
        return new Plan(delay, close, status);
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
     */
    record Plan(long delayMs, boolean close, int status) {
    }
}
