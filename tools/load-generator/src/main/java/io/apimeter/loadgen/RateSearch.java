package io.apimeter.loadgen;

import java.util.OptionalInt;

/**
 * The ramp that finds the throughput ceiling: the highest rate at which the gateway still answers at least
 * 95 % of the target rate with fewer than 1 % errors. It climbs by a fixed step until a rate fails (or the
 * maximum passes), then halves the step a few times between the last rate passed and the first failed.
 */
final class RateSearch {
    static final double MIN_ACHIEVED_SHARE = 0.95;
    static final double MAX_ERROR_SHARE = 0.01;

    private final int step;
    private final int max;
    private int refinementsLeft;
    private int current;
    private int highestPassed;
    private int lowestFailed = Integer.MAX_VALUE;

    RateSearch(int start, int step, int max, int refinements) {
        if (start < 1 || step < 1 || max < start) {
            throw new IllegalArgumentException("need 1 <= start <= max and step >= 1");
        }
        this.step = step;
        this.max = max;
        this.refinementsLeft = refinements;
        this.current = start;
    }

    /** Whether a phase kept up with its target rate. */
    static boolean keepsUp(PhaseResult result) {
        return result.achieved() >= MIN_ACHIEVED_SHARE * result.rate() && result.errorShare() < MAX_ERROR_SHARE;
    }

    /** The rate to measure now. */
    int current() {
        return current;
    }

    /** Takes the verdict on {@link #current()}; returns the next rate to measure, or empty when done. */
    OptionalInt next(boolean passed) {
        if (passed) {
            highestPassed = Math.max(highestPassed, current);
        } else {
            lowestFailed = Math.min(lowestFailed, current);
        }
        if (lowestFailed == Integer.MAX_VALUE) {
            if (current >= max) {
                return OptionalInt.empty();
            }
            current = Math.min(current + step, max);
            return OptionalInt.of(current);
        }
        int middle = highestPassed + (lowestFailed - highestPassed) / 2;
        if (refinementsLeft == 0 || middle <= highestPassed || middle >= lowestFailed) {
            return OptionalInt.empty();
        }
        refinementsLeft--;
        current = middle;
        return OptionalInt.of(current);
    }

    /** The highest rate that passed; 0 if none did. */
    int ceiling() {
        return highestPassed;
    }

    /** True when even the maximum rate passed: the real ceiling is higher than the search went. */
    boolean stoppedAtMax() {
        return lowestFailed == Integer.MAX_VALUE && highestPassed >= max;
    }
}
