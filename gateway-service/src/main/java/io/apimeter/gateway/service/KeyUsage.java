package io.apimeter.gateway.service;

import io.apimeter.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Keeps each platform key's last-used time. Written off the request path and at most once per
 * {@code api-keys.last-used-resolution} per key, so a busy key costs one update a minute, not one per call.
 */
@ApplicationScoped
public class KeyUsage {
    private static final Logger LOG = Logger.getLogger(KeyUsage.class);

    private final EntityManager entityManager;
    private final long resolutionNanos;
    private final ConcurrentHashMap<UUID, Long> lastWritten = new ConcurrentHashMap<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "api-key-last-used");
        thread.setDaemon(true);
        return thread;
    });

    public KeyUsage(EntityManager entityManager, GatewayConfig config) {
        this.entityManager = entityManager;
        this.resolutionNanos = config.apiKeys().lastUsedResolution().toNanos();
    }

    /** Notes a use of the key now; returns at once. */
    public void used(UUID keyId) {
        long now = System.nanoTime();
        Long previous = lastWritten.get(keyId);
        if (previous != null && now - previous < resolutionNanos) {
            return;
        }
        boolean claimed = previous == null ? lastWritten.putIfAbsent(keyId, now) == null
                : lastWritten.replace(keyId, previous, now);
        if (!claimed) {
            return; // another request of the same key won the race and writes it
        }
        Instant at = Instant.now();
        try {
            writer.execute(() -> {
                try {
                    write(keyId, at);
                } catch (RuntimeException e) {
                    LOG.warnf("last-used time of API key %s not saved: %s", keyId, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down: the time is informational
        }
    }

    @Transactional
    void write(UUID keyId, Instant at) {
        entityManager.createQuery("update ApiKey k set k.lastUsedAt = :at where k.id = :id "
                        + "and (k.lastUsedAt is null or k.lastUsedAt < :at)")
                .setParameter("at", at).setParameter("id", keyId).executeUpdate();
    }
}
