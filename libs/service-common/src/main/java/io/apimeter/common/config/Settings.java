package io.apimeter.common.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Checks of settings that a type alone does not make safe (a retention of 0 days would delete everything), run at
 * startup so that a service with a bad value refuses to start, with a message naming the key and its environment
 * variable, rather than misbehave later.
 */
public final class Settings {
    private Settings() {
    }

    /** Fails unless {@code value >= min}. */
    public static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw invalid(key, value, "at least " + min);
        }
    }

    /** Fails unless {@code value >= min}. */
    public static void atLeast(String key, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0) {
            throw invalid(key, value, "at least " + min);
        }
    }

    /** Fails unless {@code value} is longer than zero. */
    public static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(key, value, "longer than zero");
        }
    }

    /** The environment variable that sets {@code key}, e.g. {@code APIMETER_RECORDER_RETENTION_DAYS}. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static IllegalStateException invalid(String key, Object value, String rule) {
        return new IllegalStateException("invalid setting " + key + " (env " + environmentVariable(key) + "): "
                + value + "; it must be " + rule);
    }
}
