package io.apimeter.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Latencies in microseconds, 1 µs to 60 s, three significant digits (1 µs resolution up to about 1 ms,
 * 10 µs up to about 10 ms). Not thread-safe: the caller records from one thread at a time.
 */
final class LatencyHistogram {
    static final long MAX_MICROS = 60_000_000L;

    private final Histogram histogram = new Histogram(1, MAX_MICROS, 3);

    /** Records one latency; values past 60 s count as 60 s, negative ones (clock noise) as 0. */
    void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        histogram.recordValue(Math.min(micros, MAX_MICROS));
    }

    void add(LatencyHistogram other) {
        histogram.add(other.histogram);
    }

    long count() {
        return histogram.getTotalCount();
    }

    /**
     * The latency at or below which {@code percentile} percent of the recorded values lie, in milliseconds;
     * NaN when nothing was recorded.
     */
    double percentileMillis(double percentile) {
        if (histogram.getTotalCount() == 0) {
            return Double.NaN;
        }
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
    }

    /**
     * The latency the second path adds at a percentile: its percentile minus this one's. This is the
     * difference of two distributions at the same rank, not a per-request overhead; NaN if either is empty.
     */
    double addedMillis(LatencyHistogram slower, double percentile) {
        return slower.percentileMillis(percentile) - percentileMillis(percentile);
    }
}
