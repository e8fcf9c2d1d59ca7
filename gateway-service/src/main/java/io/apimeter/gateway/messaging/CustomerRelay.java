package io.apimeter.gateway.messaging;

import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.CustomerRecord;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.entity.CustomerOutboxEntry;
import io.apimeter.gateway.service.CustomerOutbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Sends the customer outbox to the compacted {@code customers} topic: rows in id order, key customerId, the
 * Customer v1 JSON with CloudEvents headers ({@code ce_type} {@value CustomerRecord#TYPE}), through the
 * {@code customers-out} channel (acks=all, idempotent producer). A row is marked sent only once the broker has
 * acknowledged it; a row the broker did not take stays, with the rows after it, for the next run. While the
 * broker is away rows wait in the table, and go once it is back.
 *
 * <p>One relay at a time across all replicas (a PostgreSQL advisory lock held by the run's transaction), and one
 * thread per replica, so records leave strictly in id order. A run starts right after each commit that wrote to
 * the outbox, and every {@code apimeter.gateway.customer-outbox.interval} for what is left. Delivery is at least
 * once: a record can go twice (acknowledged, but the run's commit lost); consumers keep the newest per customer
 * by {@code updatedAt}, so a copy changes nothing.
 */
@ApplicationScoped
public class CustomerRelay {
    private static final Logger LOG = Logger.getLogger(CustomerRelay.class);
    /** Key of the advisory lock that makes one replica at a time relay the outbox. */
    static final long LOCK_KEY = 0x6375_7374_6f6d_6572L;
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Hands one record to the broker; the stage completes when the broker has acknowledged it. */
    interface Transport {
        CompletableFuture<Void> send(String key, String json, Map<String, byte[]> headers);
    }

    private final EntityManager em;
    private final GatewayConfig.Outbox config;
    private final Transport kafka;
    private final Counter published;
    private final Counter failed;
    private volatile Transport transport;
    private final AtomicBoolean runQueued = new AtomicBoolean();
    private volatile long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;
    private ScheduledExecutorService worker;

    public CustomerRelay(EntityManager em, @Channel(Channels.CUSTOMERS_OUT) Emitter<String> emitter,
                         GatewayConfig config, MeterRegistry registry) {
        this.em = em;
        this.config = config.customerOutbox();
        this.kafka = (key, json, headers) -> KafkaSend.send(emitter, key, json, headers);
        this.transport = kafka;
        this.published = Counter.builder("apimeter.gateway.customer.records").tag("result", "published")
                .description("Customer records the broker acknowledged on the customers topic").register(registry);
        this.failed = Counter.builder("apimeter.gateway.customer.records").tag("result", "failed")
                .description("Attempts to send a customer record that the broker did not acknowledge (sent again)")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        worker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "customer-outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.interval().toMillis();
        worker.scheduleWithFixedDelay(this::runSafely, 0, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) CustomerOutbox.Written written) {
        requestRun();
    }

    /** Queues one run on the relay's thread, unless one is queued already. */
    void requestRun() {
        ScheduledExecutorService current = worker;
        if (current == null || !runQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            current.execute(() -> {
                runQueued.set(false);
                runSafely();
            });
        } catch (RejectedExecutionException e) {
            runQueued.set(false); // shutting down
        }
    }

    private void runSafely() {
        try {
            relayPending();
        } catch (RuntimeException e) {
            logFailure("customer outbox relay run failed, will retry: " + e);
        }
    }

    /** Sends pending rows batch by batch until none is left, another replica relays, or a send fails. */
    int relayPending() {
        int total = 0;
        while (true) {
            Batch batch = QuarkusTransaction.requiringNew()
                    .timeout((int) config.sendTimeout().plusSeconds(30).toSeconds())
                    .call(this::relayBatch);
            total += batch.sent();
            if (batch.stop() || batch.sent() < config.batchSize()) {
                return total;
            }
        }
    }

    private record Batch(int sent, boolean stop) {
    }

    private Batch relayBatch() {
        Boolean locked = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(:key)")
                .setParameter("key", LOCK_KEY).getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return new Batch(0, true); // another replica is relaying; it keeps the order
        }
        List<CustomerOutboxEntry> rows = em.createQuery(
                        "from CustomerOutboxEntry where sentAt is null order by id", CustomerOutboxEntry.class)
                .setMaxResults(config.batchSize()).getResultList();
        if (rows.isEmpty()) {
            return new Batch(0, true);
        }
        Transport current = transport;
        List<CompletableFuture<Void>> acks = new ArrayList<>(rows.size());
        for (CustomerOutboxEntry row : rows) {
            Map<String, byte[]> headers = CloudEventHeaders.of(row.eventId, CustomerRecord.TYPE,
                    UsageEventPublisher.SOURCE, row.updatedAt, row.customerId);
            CompletableFuture<Void> ack;
            try {
                ack = current.send(row.customerId, row.payload, headers);
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            acks.add(ack);
        }
        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int sent = 0;
        for (int i = 0; i < rows.size(); i++) {
            CustomerOutboxEntry row = rows.get(i);
            String error = awaitAck(acks.get(i), deadline);
            if (error != null) {
                // This row and the ones after it stay for the next run, so records keep their order.
                row.attempts++;
                row.lastError = error.length() <= 500 ? error : error.substring(0, 500);
                failed.increment();
                logFailure("customer record " + row.eventId + " of customer " + row.customerId
                        + " not acknowledged by the broker, will retry: " + error);
                return new Batch(sent, true);
            }
            row.sentAt = now;
            sent++;
            published.increment();
        }
        return new Batch(sent, false);
    }

    /** Null once the broker acknowledged; otherwise why not. */
    private static String awaitAck(CompletableFuture<Void> ack, long deadline) {
        try {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (TimeoutException e) {
            return "no acknowledgement within the send timeout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void logFailure(String message) {
        long now = System.nanoTime();
        if (now - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLog = now;
            LOG.warn(message);
        }
    }

    /** Replaces how records reach the broker (tests stand in for a broker that is away); null restores Kafka. */
    void useTransport(Transport replacement) {
        transport = replacement == null ? kafka : replacement;
        requestRun();
    }
}
