package io.apimeter.gateway.service;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts each customer's requests on this replica in fixed UTC minutes and admits at most this replica's share
 * of the customer's limit: {@code ceil(limit / replicas)}. Lock-free on the request path: one counter per
 * customer and minute, incremented atomically; a new minute replaces the counter.
 */
public final class RequestRateLimiter {
    static final long MINUTE_MILLIS = 60_000;

    private static final class Window {
        final long minute;
        final AtomicLong count = new AtomicLong();

        Window(long minute) {
            this.minute = minute;
        }
    }

    private final int replicas;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public RequestRateLimiter(int replicas, Clock clock) {
        if (replicas < 1) {
            throw new IllegalArgumentException("apimeter.gateway.replicas must be at least 1, got " + replicas);
        }
        this.replicas = replicas;
        this.clock = clock;
    }

    /** How many of a customer's requests per minute this replica admits: its share of the limit, rounded up. */
    public long share(long limitPerMinute) {
        return limitPerMinute <= 0 ? 0 : (limitPerMinute + replicas - 1) / replicas;
    }

    /** Counts a request of the customer in the current minute; true when it is within this replica's share. */
    public boolean tryAcquire(String customerId, long limitPerMinute) {
        long minute = Math.floorDiv(clock.millis(), MINUTE_MILLIS);
        Window window = windows.get(customerId);
        while (window == null || window.minute < minute) {
            Window fresh = new Window(minute);
            boolean won = window == null ? windows.putIfAbsent(customerId, fresh) == null
                    : windows.replace(customerId, window, fresh);
            window = won ? fresh : windows.get(customerId);
        }
        return window.count.incrementAndGet() <= share(limitPerMinute);
    }

    /** Whole seconds until the current minute ends (at least 1): when a refused client may try again. */
    public long secondsToMinuteEnd() {
        long left = MINUTE_MILLIS - Math.floorMod(clock.millis(), MINUTE_MILLIS);
        return Math.max(1, (left + 999) / 1000);
    }
}
