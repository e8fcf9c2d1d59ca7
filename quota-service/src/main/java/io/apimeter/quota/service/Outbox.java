package io.apimeter.quota.service;

import io.apimeter.common.messaging.MessageTracing;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.EventJson;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.Topics;
import io.apimeter.quota.entity.OutboxEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Writes events to the outbox table, inside the caller's transaction; {@code OutboxRelay} publishes them in
 * id order. Rows of one customer are written under that customer's lock, so their ids follow the order of
 * the changes they announce. With tracing on, a row keeps the trace context of the transaction that wrote it (the
 * usage event batch, the REST call), so that what it announces continues that trace downstream.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class Outbox {
    private final EntityManager em;
    private final Event<Written> written;
    private final MessageTracing tracing;

    public Outbox(EntityManager em, Event<Written> written, MessageTracing tracing) {
        this.em = em;
        this.written = written;
        this.tracing = tracing;
    }

    public void add(AlertEvent alert) {
        add(Topics.ALERT_EVENTS, alert.customerId(), alert.eventId(), AlertEvent.TYPE, alert.occurredAt(),
                EventJson.write(alert));
    }

    /** A customer's status for the compacted quota-status topic, keyed on the customer. */
    public void add(QuotaStatus status) {
        add(Topics.QUOTA_STATUS, status.customerId(), UUID.randomUUID(), QuotaStatus.TYPE, status.updatedAt(),
                EventJson.write(status));
    }

    private void add(String topic, String key, UUID eventId, String type, Instant occurredAt, String payload) {
        OutboxEntry entry = new OutboxEntry();
        entry.topic = topic;
        entry.messageKey = key;
        entry.eventId = eventId;
        entry.eventType = type;
        entry.occurredAt = occurredAt;
        entry.payload = payload;
        entry.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (tracing.enabled()) {
            Map<String, String> context = tracing.carrier(io.opentelemetry.context.Context.current());
            entry.traceparent = context.get(MessageTracing.TRACEPARENT);
            entry.tracestate = context.get(MessageTracing.TRACESTATE);
        }
        em.persist(entry);
        // Observed after the commit, so that the relay publishes without waiting for its next scheduled run.
        written.fire(new Written(entry.topic));
    }

    /** Rows were added to the outbox in the current transaction. */
    public record Written(String topic) {
    }
}
