package io.apimeter.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {
    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static int admitted(RequestRateLimiter limiter, String customer, long limit, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(customer, limit)) {
                admitted++;
            }
        }
        return admitted;
    }

    @Test
    void shouldAdmitTheWholeLimitOnASingleReplica() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, new TestClock(Instant.parse("2026-11-10T10:00:05Z")));
        assertEquals(10, admitted(limiter, "acme", 10, 25));
    }

    @Test
    void shouldAdmitHalfTheLimitRoundedUpOnEachOfTwoReplicas() {
        TestClock clock = new TestClock(Instant.parse("2026-11-10T10:00:05Z"));
        RequestRateLimiter limiter = new RequestRateLimiter(2, clock);
        assertEquals(5, limiter.share(10));
        assertEquals(6, limiter.share(11));
        assertEquals(1, limiter.share(1), "a limit of 1 still lets a call through somewhere");
        assertEquals(0, limiter.share(0));
        assertEquals(5, admitted(limiter, "acme", 10, 25));
        assertEquals(6, admitted(limiter, "globex", 11, 25));
        assertEquals(0, admitted(limiter, "initech", 0, 3), "a limit of 0 admits nothing");
    }

    @Test
    void shouldStartEveryUtcMinuteAfresh() {
        TestClock clock = new TestClock(Instant.parse("2026-11-10T10:00:58Z"));
        RequestRateLimiter limiter = new RequestRateLimiter(1, clock);
        assertEquals(3, admitted(limiter, "acme", 3, 5));
        assertEquals(2, limiter.secondsToMinuteEnd());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(limiter.tryAcquire("acme", 3), "still the same minute");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(60, limiter.secondsToMinuteEnd());
        assertEquals(3, admitted(limiter, "acme", 3, 5), "a new minute");
    }

    @Test
    void shouldCountEachCustomerApart() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, new TestClock(Instant.parse("2026-11-10T10:00:00Z")));
        assertEquals(2, admitted(limiter, "acme", 2, 4));
        assertTrue(limiter.tryAcquire("globex", 2));
    }

    @Test
    void shouldNeverAdmitMoreThanTheShareUnderConcurrentCalls() throws Exception {
        RequestRateLimiter limiter = new RequestRateLimiter(3, new TestClock(Instant.parse("2026-11-10T10:00:00Z")));
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                tasks.add(() -> {
                    for (int i = 0; i < 1000; i++) {
                        if (limiter.tryAcquire("acme", 1000)) {
                            admitted.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(334, admitted.get(), "ceil(1000 / 3)");
    }

    @Test
    void shouldRefuseLessThanOneReplica() {
        assertThrows(IllegalArgumentException.class, () -> new RequestRateLimiter(0, Clock.systemUTC()));
    }
}
