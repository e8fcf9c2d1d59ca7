package io.apimeter.benchmark;

import java.util.Arrays;
import java.util.List;

/**
 * What a series of lag samples of one group says: median, maximum, and whether the lag grew.
 *
 * <p>Committed offsets move in steps (a consumer commits every few seconds), so the lag of a group that keeps up
 * is a saw-tooth, not zero. The lag <em>grew</em> when both: its least-squares trend rises faster than
 * {@link #GROWTH_SHARE} of the rate records arrive at (at least {@link #GROWTH_FLOOR} records/s), i.e. the group
 * consumes less than 98 % of what arrives; and the highest lag of the second half of the samples is above that of
 * the first half. The first rules out the saw-tooth's phase, the second a single late commit.
 *
 * @param samples     number of samples
 * @param p50         median lag (nearest rank)
 * @param max         highest lag
 * @param first       lag of the first sample
 * @param last        lag of the last sample
 * @param trendPerSec least-squares slope of the lag, records per second (positive: falling behind)
 * @param grew        whether the lag grew, as above
 */
record LagStats(int samples, long p50, long max, long first, long last, double trendPerSec, boolean grew) {

    static final double GROWTH_SHARE = 0.02;
    static final double GROWTH_FLOOR = 10;

    /**
     * @param seconds     when each sample was taken, seconds from the start
     * @param lags        the lag of each sample
     * @param arrivalRate records per second that arrived on the topic meanwhile
     */
    static LagStats of(List<Double> seconds, List<Long> lags, double arrivalRate) {
        int n = lags.size();
        if (n == 0 || seconds.size() != n) {
            throw new IllegalArgumentException("one time per sample and at least one sample needed");
        }
        long[] sorted = lags.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        long p50 = sorted[(int) Math.ceil(0.5 * n) - 1];
        long max = sorted[n - 1];
        double trend = slope(seconds, lags);
        long firstHalfMax = 0;
        long secondHalfMax = 0;
        for (int i = 0; i < n; i++) {
            if (i < n / 2) {
                firstHalfMax = Math.max(firstHalfMax, lags.get(i));
            } else {
                secondHalfMax = Math.max(secondHalfMax, lags.get(i));
            }
        }
        boolean grew = n >= 4 && trend > Math.max(GROWTH_FLOOR, GROWTH_SHARE * arrivalRate)
                && secondHalfMax > firstHalfMax;
        return new LagStats(n, p50, max, lags.get(0), lags.get(n - 1), trend, grew);
    }

    /** Least-squares slope of y over x; 0 with fewer than two distinct times. */
    static double slope(List<Double> x, List<Long> y) {
        int n = x.size();
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += x.get(i);
            meanY += y.get(i);
        }
        meanX /= n;
        meanY /= n;
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < n; i++) {
            double dx = x.get(i) - meanX;
            covariance += dx * (y.get(i) - meanY);
            variance += dx * dx;
        }
        return variance == 0 ? 0 : covariance / variance;
    }
}
