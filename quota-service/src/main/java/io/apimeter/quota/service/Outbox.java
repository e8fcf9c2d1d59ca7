package io.apimeter.quota.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.quota.entity.OutboxEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Writes events to the outbox table, inside the caller's transaction; {@code OutboxRelay} publishes them. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class Outbox {
    private final EntityManager em;
    private final Event<Written> written;

    public Outbox(EntityManager em, Event<Written> written) {
        this.em = em;
        this.written = written;
    }

    public void add(AlertEvent alert) {
        OutboxEntry entry = new OutboxEntry();
        entry.topic = Topics.ALERT_EVENTS;
        entry.messageKey = alert.customerId();
        entry.eventId = alert.eventId();
        entry.eventType = AlertEvent.TYPE;
        entry.occurredAt = alert.occurredAt();
        entry.payload = EventJson.write(alert);
        entry.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        em.persist(entry);
        // Observed after the commit, so that the relay publishes without waiting for its next scheduled run.
        written.fire(new Written(entry.topic));
    }

    /** Rows were added to the outbox in the current transaction. */
    public record Written(String topic) {
    }
}
