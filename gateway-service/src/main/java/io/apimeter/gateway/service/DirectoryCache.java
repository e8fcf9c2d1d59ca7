package io.apimeter.gateway.service;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.apimeter.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Values read from the database, each fresh for the cache time from the moment its read began and read again
 * in the background once half of that has passed. "None stored" (an unknown or revoked key, a missing
 * credential) is remembered for the cache time too, apart from the values, so that unknown keys cannot push
 * known ones out. Both are bounded (Caffeine, size-based eviction).
 *
 * <p>When the database cannot be read, the last value read is used for up to {@code stale-for}, and calls no
 * longer wait for the database: they are answered from memory while one background read at a time tries it
 * again, until one succeeds. A key with nothing in memory then cannot be authorised at once:
 * {@link DirectoryUnavailable}.
 */
final class DirectoryCache<V> {
    private static final Logger LOG = Logger.getLogger(DirectoryCache.class);

    private record Entry<V>(V value, long loadedAtNanos) {
    }

    private final String what;
    private final Function<String, V> loader;
    private final long ttlNanos;
    private final Vertx vertx;
    private final Counter staleServed;
    private final Counter unavailable;
    private final ConcurrentMap<String, Entry<V>> values;
    private final ConcurrentMap<String, Entry<V>> absent;
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    /** Bumped by every forget: a read that began before it must not put back what was forgotten. */
    private final AtomicLong generation = new AtomicLong();
    /** The last read failed: calls are answered from memory, and {@link #probe} tries the database, until a read succeeds. */
    private volatile boolean away;
    private final AtomicBoolean probing = new AtomicBoolean();

    DirectoryCache(String what, Function<String, V> loader, GatewayConfig.ApiKeys config, Vertx vertx,
                   MeterRegistry registry) {
        this(what, loader, config.cacheTtl(), config.cacheMaxSize(), config.unknownCacheMaxSize(), config.staleFor(),
                vertx, registry);
    }

    DirectoryCache(String what, Function<String, V> loader, Duration ttl, long maxSize, long unknownMaxSize,
                   Duration staleFor, Vertx vertx, MeterRegistry registry) {
        this.what = what;
        this.loader = loader;
        this.ttlNanos = ttl.toNanos();
        this.vertx = vertx;
        // Evicted on the calling thread: the bound holds as entries are added, not when a pool gets to it.
        this.values = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(staleFor).executor(Runnable::run)
                .<String, Entry<V>>build().asMap();
        this.absent = Caffeine.newBuilder().maximumSize(unknownMaxSize).expireAfterWrite(ttl).executor(Runnable::run)
                .<String, Entry<V>>build().asMap();
        this.staleServed = Counter.builder("apimeter.gateway.directory.stale").tag("cache", what)
                .description("Reads answered with the last known value because the database could not be read")
                .register(registry);
        this.unavailable = Counter.builder("apimeter.gateway.directory.unavailable").tag("cache", what)
                .description("Reads that failed: the database could not be read and nothing was in memory")
                .register(registry);
        Gauge.builder("apimeter.gateway.directory.entries", values, Map::size).tag("cache", what)
                .description("Values held in memory").register(registry);
        Gauge.builder("apimeter.gateway.directory.absent.entries", absent, Map::size).tag("cache", what)
                .description("Unknown keys remembered as unknown").register(registry);
    }

    private Entry<V> held(String key) {
        Entry<V> entry = values.get(key);
        return entry != null ? entry : absent.get(key);
    }

    V getBlocking(String key) {
        long now = System.nanoTime();
        Entry<V> entry = held(key);
        if (entry != null && now - entry.loadedAtNanos() < ttlNanos) {
            return entry.value();
        }
        if (entry != null && away) {
            probe(key);
            staleServed.increment();
            return entry.value();
        }
        return load(key, now);
    }

    Future<V> get(String key) {
        long now = System.nanoTime();
        Entry<V> entry = held(key);
        if (entry != null && now - entry.loadedAtNanos() < ttlNanos) {
            if (now - entry.loadedAtNanos() >= ttlNanos / 2) {
                refreshInBackground(key);
            }
            return Future.succeededFuture(entry.value());
        }
        if (away) {
            probe(key);
            if (entry != null) {
                staleServed.increment();
                return Future.succeededFuture(entry.value());
            }
            unavailable.increment();
            return Future.failedFuture(new DirectoryUnavailable(what, null));
        }
        if (!Context.isOnEventLoopThread()) {
            return Future.succeededFuture(load(key, now));
        }
        return vertx.executeBlocking(() -> load(key, System.nanoTime()), false);
    }

    private V load(String key, long startedNanos) {
        long seen = generation.get();
        V value;
        try {
            value = loader.apply(key);
        } catch (RuntimeException e) {
            away = true;
            Entry<V> last = held(key);
            if (last != null) {
                staleServed.increment();
                return last.value();
            }
            unavailable.increment();
            throw new DirectoryUnavailable(what, e);
        }
        away = false;
        Entry<V> loaded = new Entry<>(value, startedNanos);
        ConcurrentMap<String, Entry<V>> into = value == null ? absent : values;
        ConcurrentMap<String, Entry<V>> other = value == null ? values : absent;
        into.compute(key, (k, current) -> generation.get() != seen
                || current != null && current.loadedAtNanos() - startedNanos > 0 ? current : loaded);
        if (generation.get() == seen) {
            other.remove(key);
        }
        return value;
    }

    /**
     * While the database is away, one read at a time, on a worker thread, tries it again (with the key a call
     * needed); its success ends the outage for every key.
     */
    private void probe(String key) {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(() -> load(key, System.nanoTime()), false).onComplete(done -> probing.set(false));
    }

    private void refreshInBackground(String key) {
        if (!refreshing.add(key)) {
            return;
        }
        vertx.executeBlocking(() -> load(key, System.nanoTime()), false).onComplete(done -> {
            refreshing.remove(key);
            if (done.failed()) {
                // What is in memory stays in use; the next call tries again.
                LOG.debugf("%s not read again: %s", what, done.cause().toString());
            }
        });
    }

    void forget(String key) {
        generation.incrementAndGet();
        values.remove(key);
        absent.remove(key);
    }

    void forgetIf(Predicate<V> which) {
        generation.incrementAndGet();
        values.values().removeIf(entry -> which.test(entry.value()));
    }
}
