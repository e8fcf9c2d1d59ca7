package io.apimeter.alert.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration INITIAL = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofMinutes(5);

    @Test
    void shouldDoubleThePauseAfterEachFailure() {
        assertEquals(Duration.ofSeconds(5), Backoff.after(1, INITIAL, MAX));
        assertEquals(Duration.ofSeconds(10), Backoff.after(2, INITIAL, MAX));
        assertEquals(Duration.ofSeconds(20), Backoff.after(3, INITIAL, MAX));
        assertEquals(Duration.ofSeconds(160), Backoff.after(6, INITIAL, MAX));
    }

    @Test
    void shouldNeverWaitLongerThanTheCap() {
        assertEquals(MAX, Backoff.after(7, INITIAL, MAX));
        assertEquals(MAX, Backoff.after(1000, INITIAL, MAX));
        assertEquals(Duration.ofSeconds(1), Backoff.after(1, Duration.ofSeconds(3), Duration.ofSeconds(1)));
    }
}
