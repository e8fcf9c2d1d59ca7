package io.apimeter.quota.messaging;

import io.apimeter.common.messaging.MessageTracing;
import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.Topics;
import io.apimeter.quota.config.QuotaConfig;
import io.apimeter.quota.entity.OutboxEntry;
import io.apimeter.quota.service.Outbox;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka ({@code alert-events}, {@code quota-status}) in id order and marks them
 * sent once the broker has acknowledged them. A failed send stops the run and leaves that row and the ones
 * after it for the next run: delivery is at least once, and consumers are idempotent on the event id (the
 * gateway keeps the newest quota-status by updatedAt).
 *
 * <p>Rows leave in id order, and so in order per key: a row of a customer is written under that customer's
 * lock, after the commit of the one before. To keep that order with several replicas, one relay batch runs
 * at a time across all of them (a transaction-scoped advisory lock; a replica that does not get it leaves
 * the rows to the one that has it, and its own schedule picks up what is left). Within a replica a single
 * thread performs the runs.
 *
 * <p>A run starts right after each commit that wrote to the outbox, and on a schedule for what is left
 * (rows of a failed send, rows of a replica that stopped).
 *
 * <p>With tracing on, each record gets a PRODUCER span {@code "<topic> publish"}, child of the trace context the row
 * kept (the usage event batch or REST call that wrote it), and carries that span's context in its headers.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    static final String SOURCE = "apimeter/quota-service";
    /** Key of the advisory lock that lets one replica relay at a time. */
    private static final long RELAY_LOCK = 0x71756f7461L; // "quota"

    private final EntityManager em;
    private final MutinyEmitter<String> alertEvents;
    private final MutinyEmitter<String> quotaStatus;
    private final QuotaConfig config;
    private final MessageTracing tracing;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "outbox-relay");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean runQueued = new AtomicBoolean();

    public OutboxRelay(EntityManager em, @Channel(Channels.ALERT_EVENTS_OUT) MutinyEmitter<String> alertEvents,
                       @Channel(Channels.QUOTA_STATUS_OUT) MutinyEmitter<String> quotaStatus, QuotaConfig config,
                       MessageTracing tracing) {
        this.em = em;
        this.tracing = tracing;
        this.alertEvents = alertEvents;
        this.quotaStatus = quotaStatus;
        this.config = config;
    }

    @Scheduled(identity = "outbox-relay", every = "${apimeter.quota.outbox-interval:1s}",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relayOnSchedule() {
        requestRun();
    }

    void relayAfterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Written written) {
        requestRun();
    }

    /** Queues one relay run unless one is queued already. */
    public void requestRun() {
        if (!runQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(() -> {
                runQueued.set(false);
                try {
                    relayPending();
                } catch (RuntimeException e) {
                    LOG.warnf("outbox relay run failed, will retry: %s", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            runQueued.set(false); // shutting down
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** Sends pending rows batch by batch until none is left or a send fails; returns how many were sent. */
    public int relayPending() {
        int total = 0;
        while (true) {
            BatchResult batch = QuarkusTransaction.requiringNew().call(this::relayBatch);
            total += batch.sent();
            if (batch.failed() || batch.sent() < config.outboxBatchSize()) {
                return total;
            }
        }
    }

    private BatchResult relayBatch() {
        Object locked = em.createNativeQuery("select pg_try_advisory_xact_lock(:key)")
                .setParameter("key", RELAY_LOCK)
                .getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return new BatchResult(0, false); // another replica is relaying
        }
        @SuppressWarnings("unchecked")
        List<OutboxEntry> entries = em.createNativeQuery(
                        "select * from outbox where sent_at is null order by id limit :n for update skip locked",
                        OutboxEntry.class)
                .setParameter("n", config.outboxBatchSize())
                .getResultList();
        int sent = 0;
        for (OutboxEntry entry : entries) {
            try {
                send(entry);
                entry.sentAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                sent++;
            } catch (RuntimeException e) {
                entry.attempts++;
                entry.lastError = clip(e.toString());
                LOG.warnf("could not publish outbox row %d (event %s) to %s, will retry: %s", entry.id, entry.eventId,
                        entry.topic, e.toString());
                return new BatchResult(sent, true);
            }
        }
        return new BatchResult(sent, false);
    }

    private void send(OutboxEntry entry) {
        MutinyEmitter<String> emitter = switch (entry.topic) {
            case Topics.ALERT_EVENTS -> alertEvents;
            case Topics.QUOTA_STATUS -> quotaStatus;
            default -> throw new IllegalStateException("no channel publishes to topic " + entry.topic);
        };
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.of(entry.eventId, entry.eventType, SOURCE, entry.occurredAt, entry.messageKey)
                .forEach(headers::add);
        Span span = tracing.startPublish(entry.topic, entry.eventId, entry.messageKey,
                tracing.extract(entry.traceparent, entry.tracestate));
        tracing.inject(io.opentelemetry.context.Context.root().with(span), headers);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(entry.messageKey)
                .withHeaders(headers)
                .build();
        try {
            emitter.sendMessage(Message.of(entry.payload).addMetadata(metadata))
                    .await().atMost(config.outboxSendTimeout());
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, "the broker did not take the record");
            throw e;
        } finally {
            span.end();
        }
    }

    private static String clip(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500);
    }

    private record BatchResult(int sent, boolean failed) {
    }
}
