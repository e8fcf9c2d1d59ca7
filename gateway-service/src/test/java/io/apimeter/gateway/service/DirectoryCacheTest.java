package io.apimeter.gateway.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the gateway remembers of keys: bounded whatever is presented, the last value served while the database
 * is away, and a revoked key refused within the cache time while the database is up.
 */
class DirectoryCacheTest {
    private static final Duration TTL = Duration.ofMillis(200);

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The "database": prefix to value; absent means unknown. */
    private final ConcurrentHashMap<String, String> stored = new ConcurrentHashMap<>();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final AtomicInteger reads = new AtomicInteger();

    @AfterEach
    void close() {
        vertx.close();
    }

    private DirectoryCache<String> cache(long maxSize, long unknownMaxSize) {
        return cache(TTL, maxSize, unknownMaxSize);
    }

    private DirectoryCache<String> cache(Duration ttl, long maxSize, long unknownMaxSize) {
        return new DirectoryCache<>("api-key", prefix -> {
            reads.incrementAndGet();
            if (databaseDown.get()) {
                throw new IllegalStateException("connection refused");
            }
            return stored.get(prefix);
        }, ttl, maxSize, unknownMaxSize, Duration.ofHours(24), vertx, registry);
    }

    private double gauge(String name) {
        return registry.get(name).tag("cache", "api-key").gauge().value();
    }

    @Test
    void shouldStayWithinItsBoundsWhenAMillionUnknownKeysArePresented() {
        DirectoryCache<String> cache = cache(Duration.ofMinutes(5), 1_000, 10_000);
        for (int i = 0; i < 500; i++) {
            stored.put("amk_known" + i, "customer-" + i);
            assertEquals("customer-" + i, cache.getBlocking("amk_known" + i));
        }
        for (int i = 0; i < 1_000_000; i++) {
            assertNull(cache.getBlocking("amk_" + UUID.randomUUID()));
        }
        assertTrue(gauge("apimeter.gateway.directory.absent.entries") <= 10_000,
                "unknown keys remembered: " + gauge("apimeter.gateway.directory.absent.entries"));
        assertEquals(500.0, gauge("apimeter.gateway.directory.entries"), "known keys are not pushed out by unknown ones");
        int before = reads.get();
        assertEquals("customer-7", cache.getBlocking("amk_known7"));
        assertEquals(before, reads.get(), "a known key is still answered from memory");
    }

    @Test
    void shouldKeepAtMostItsBoundOfKnownKeys() {
        DirectoryCache<String> cache = cache(1_000, 10_000);
        for (int i = 0; i < 50_000; i++) {
            stored.put("amk_k" + i, "c");
            cache.getBlocking("amk_k" + i);
        }
        assertTrue(gauge("apimeter.gateway.directory.entries") <= 1_000);
    }

    @Test
    void shouldServeTheLastValueWhileTheDatabaseIsDownAndRefuseWhatItNeverSaw() throws Exception {
        // A cache time of zero: every read asks the database.
        DirectoryCache<String> cache = cache(Duration.ZERO, 1_000, 1_000);
        stored.put("amk_a", "customer-a");
        assertEquals("customer-a", cache.getBlocking("amk_a"));
        databaseDown.set(true);
        assertEquals("customer-a", cache.getBlocking("amk_a"), "the last value read, while the database is down");
        assertEquals("customer-a", cache.get("amk_a").toCompletionStage().toCompletableFuture().get());
        assertThrows(DirectoryUnavailable.class, () -> cache.getBlocking("amk_never-seen"));
        assertTrue(registry.get("apimeter.gateway.directory.stale").tag("cache", "api-key").counter().count() >= 2);
        assertTrue(registry.get("apimeter.gateway.directory.unavailable").tag("cache", "api-key").counter().count()
                >= 1);
    }

    @Test
    void shouldRefuseARevokedKeyWithinTheCacheTimeWhileTheDatabaseIsUp() throws Exception {
        DirectoryCache<String> cache = cache(1_000, 1_000);
        stored.put("amk_b", "customer-b");
        assertEquals("customer-b", cache.getBlocking("amk_b"));
        stored.remove("amk_b"); // revoked on another replica
        // Within the cache time (200 ms), with a generous margin for a busy machine.
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                .until(() -> cache.get("amk_b").toCompletionStage().toCompletableFuture().get() == null);
        assertNull(cache.getBlocking("amk_b"));
    }
}
