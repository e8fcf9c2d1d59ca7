package io.apimeter.gateway.service;

import io.apimeter.events.CustomerRecord;
import io.apimeter.events.EventJson;
import io.apimeter.gateway.entity.Customer;
import io.apimeter.gateway.entity.CustomerOutboxEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Writes a customer's Customer v1 record to the outbox table, inside the transaction that changed the customer:
 * the change and its announcement are committed together or not at all. The relay
 * ({@code messaging.CustomerRelay}) sends the rows to the {@code customers} topic.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class CustomerOutbox {
    private final Event<Written> written;

    public CustomerOutbox(Event<Written> written) {
        this.written = written;
    }

    /** Rows were added to the outbox in the current transaction (observed after the commit, to relay at once). */
    public record Written() {
    }

    public static CustomerRecord recordOf(Customer customer) {
        return new CustomerRecord(customer.id, customer.name, customer.email, customer.status, customer.updatedAt)
                .validate();
    }

    public void add(Customer customer) {
        CustomerRecord record = recordOf(customer);
        CustomerOutboxEntry entry = new CustomerOutboxEntry();
        entry.customerId = record.customerId();
        entry.eventId = UUID.randomUUID();
        entry.payload = EventJson.write(record);
        entry.updatedAt = record.updatedAt();
        entry.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        entry.persist();
        written.fire(new Written());
    }
}
