package io.apimeter.readbenchmark;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latency percentiles by nearest rank: the p-th percentile of n sorted values is the value of rank
 * {@code ceil(p / 100 * n)}, so p99 of 200 requests is the 198th fastest, an actual request, never an
 * interpolation between two. Integer arithmetic, so that 99 % of 200 is exactly 198.
 *
 * @param count how many latencies
 * @param p50   median, nanoseconds
 * @param p99   99th percentile, nanoseconds
 * @param max   slowest, nanoseconds
 * @param mean  arithmetic mean, nanoseconds
 */
record Percentiles(int count, long p50, long p99, long max, double mean) {

    /** Of the given latencies in nanoseconds (not changed); at least one. */
    static Percentiles of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no latencies");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long value : sorted) {
            sum += value;
        }
        return new Percentiles(sorted.length, nearestRank(sorted, 50), nearestRank(sorted, 99),
                sorted[sorted.length - 1], sum / sorted.length);
    }

    /** The {@code percent}-th percentile (1 to 100) of ascending {@code sorted} values. */
    static long nearestRank(long[] sorted, int percent) {
        if (percent < 1 || percent > 100 || sorted.length == 0) {
            throw new IllegalArgumentException("percent 1 to 100 of at least one value");
        }
        long rank = (percent * (long) sorted.length + 99) / 100; // ceil(percent * n / 100)
        return sorted[(int) rank - 1];
    }

    /**
     * A table row of timed requests: {@code label}, how many were sent, how many failed (those not in
     * {@code okNanos}), p50, p99 and max in milliseconds of the ones that answered ("-" when none did), and
     * {@code last}.
     */
    static String[] row(String label, int sent, long[] okNanos, String last) {
        String requests = String.format(Locale.ROOT, "%,d", sent);
        String errors = String.format(Locale.ROOT, "%,d", sent - okNanos.length);
        if (okNanos.length == 0) {
            return new String[] {label, requests, errors, "-", "-", "-", last};
        }
        Percentiles p = of(okNanos);
        return new String[] {label, requests, errors, ms(p.p50()), ms(p.p99()), ms(p.max()), last};
    }

    /** Nanoseconds as milliseconds with one decimal. */
    static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
