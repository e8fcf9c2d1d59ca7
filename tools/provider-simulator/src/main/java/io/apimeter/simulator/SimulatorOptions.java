package io.apimeter.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ProviderSimulator} listens and misbehaves.
 *
 * <p>Start from {@link #defaults()} and change what you need:
 * {@code SimulatorOptions.defaults().withLatency(Duration.ofMillis(50)).withErrorRate(0.1)}.
 *
 * @param host       interface to bind; {@code 127.0.0.1} by default so nothing is exposed
 * @param port       TCP port; {@code 0} picks a free one (read it back with {@link ProviderSimulator#port()})
 * @param latency    delay added before every provider answer, unless a request names its own
 *                   with {@code x-sim-latency-ms}
 * @param chunkDelay pause between two chunks of every streamed answer, unless a request names its own
 *                   with {@code x-sim-chunk-delay-ms}
 * @param errorRate  share of provider requests (0.0 to 1.0) answered with an injected 500
 * @param seed       seed of the random draws behind {@code errorRate}, so a run can be replayed
 * @param eventLoops number of event loops (and server instances) serving requests
 */
public record SimulatorOptions(String host, int port, Duration latency, Duration chunkDelay, double errorRate, long seed,
                               int eventLoops) {

    /** The default seed: a fixed value, so that error injection is reproducible unless asked otherwise. */
    public static final long DEFAULT_SEED = 1L;

    public SimulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(chunkDelay, "chunkDelay");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
        if (chunkDelay.isNegative()) {
            throw new IllegalArgumentException("chunkDelay must not be negative, got " + chunkDelay);
        }
        if (!(errorRate >= 0.0 && errorRate <= 1.0)) {
            throw new IllegalArgumentException("errorRate must be between 0.0 and 1.0, got " + errorRate);
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1, got " + eventLoops);
        }
    }

    /**
     * 127.0.0.1, a free port, no latency, no pause between chunks, no errors, seed {@value #DEFAULT_SEED},
     * one event loop per core.
     */
    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, Duration.ZERO, Duration.ZERO, 0.0, DEFAULT_SEED,
                Runtime.getRuntime().availableProcessors());
    }

    public SimulatorOptions withHost(String host) {
        return new SimulatorOptions(host, port, latency, chunkDelay, errorRate, seed, eventLoops);
    }

    public SimulatorOptions withPort(int port) {
        return new SimulatorOptions(host, port, latency, chunkDelay, errorRate, seed, eventLoops);
    }

    public SimulatorOptions withLatency(Duration latency) {
        return new SimulatorOptions(host, port, latency, chunkDelay, errorRate, seed, eventLoops);
    }

    public SimulatorOptions withChunkDelay(Duration chunkDelay) {
        return new SimulatorOptions(host, port, latency, chunkDelay, errorRate, seed, eventLoops);
    }

    public SimulatorOptions withErrorRate(double errorRate) {
        return new SimulatorOptions(host, port, latency, chunkDelay, errorRate, seed, eventLoops);
    }

    public SimulatorOptions withSeed(long seed) {
        return new SimulatorOptions(host, port, latency, chunkDelay, errorRate, seed, eventLoops);
    }

    public SimulatorOptions withEventLoops(int eventLoops) {
        return new SimulatorOptions(host, port, latency, chunkDelay, errorRate, seed, eventLoops);
    }
}
