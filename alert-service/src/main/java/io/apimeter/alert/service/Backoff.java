package io.apimeter.alert.service;

import java.time.Duration;

/** Exponential backoff between attempts to send a notification: initial, 2x, 4x ... up to a cap. */
public final class Backoff {
    private Backoff() {
    }

    /** The pause after {@code failedAttempts} failed attempts (1 = after the first failure). */
    public static Duration after(int failedAttempts, Duration initial, Duration max) {
        if (failedAttempts <= 1) {
            return initial.compareTo(max) > 0 ? max : initial;
        }
        int doublings = Math.min(failedAttempts - 1, 30);
        long millis = initial.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
