package io.apimeter.gateway.messaging;

import io.apimeter.events.Channels;
import io.apimeter.common.messaging.RecordFailures;
import io.apimeter.events.EventJson;
import io.apimeter.events.QuotaStatus;
import io.apimeter.gateway.service.QuotaStatuses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads the compacted {@code quota-status} topic into {@link QuotaStatuses}. Every replica reads the whole topic
 * from its start at every start (a consumer group of its own, {@code auto.offset.reset=earliest}, nothing
 * committed), so each holds every customer's newest status. A tombstone (no value) removes the customer's
 * status. A record that is not a valid QuotaStatus (as {@link RecordFailures} decides) is logged, counted and
 * skipped: it never stops the consumer.
 */
@ApplicationScoped
public class QuotaStatusConsumer {
    private static final Logger LOG = Logger.getLogger(QuotaStatusConsumer.class);

    private final QuotaStatuses statuses;
    private final Counter applied;
    private final Counter stale;
    private final Counter removed;
    private final Counter unreadable;
    /** Per partition, the offset after the last record handled: how far this replica has read. */
    private final Map<Integer, Long> readUpTo = new ConcurrentHashMap<>();

    public QuotaStatusConsumer(QuotaStatuses statuses, MeterRegistry registry) {
        this.statuses = statuses;
        this.applied = counter(registry, "applied", "Quota statuses taken as the customer's newest");
        this.stale = counter(registry, "stale", "Quota statuses ignored: older than the one held");
        this.removed = counter(registry, "removed", "Tombstones: a customer's quota status removed");
        this.unreadable = counter(registry, "unreadable", "Records on quota-status that are no valid QuotaStatus, skipped");
    }

    private static Counter counter(MeterRegistry registry, String result, String description) {
        return Counter.builder("apimeter.gateway.quota.status.records").tag("result", result).description(description)
                .register(registry);
    }

    @Incoming(Channels.QUOTA_STATUS_IN)
    public void consume(ConsumerRecord<String, String> record) {
        try {
            apply(record.key(), record.value());
        } finally {
            readUpTo.merge(record.partition(), record.offset() + 1, Math::max);
        }
    }

    void apply(String key, String value) {
        if (key == null || key.isBlank()) {
            skip("a record without key (the customer id)", key);
            return;
        }
        if (value == null) {
            statuses.remove(key);
            removed.increment();
            return;
        }
        QuotaStatus status;
        try {
            status = EventJson.readQuotaStatus(value);
        } catch (RuntimeException e) {
            if (RecordFailures.classify(e) != RecordFailures.Kind.POISON) {
                throw e;
            }
            // Every replica reads this state topic from its start at every start: a dead letter would be written
            // again each time, so a record that can never be read is counted and skipped here.
            skip(RecordFailures.describe(e), key);
            return;
        }
        if (status.customerId() == null || !status.customerId().equals(key)) {
            skip("customerId '" + status.customerId() + "' is not the record's key", key);
            return;
        }
        if (status.updatedAt() == null || status.month() == null) {
            skip("updatedAt and month are required", key);
            return;
        }
        if (statuses.apply(status) == QuotaStatuses.Applied.APPLIED) {
            applied.increment();
        } else {
            stale.increment();
        }
    }

    private void skip(String reason, String key) {
        unreadable.increment();
        LOG.warnf("skipping a record on quota-status (key %s) that is not a valid QuotaStatus: %s", key, reason);
    }

    /** The offset after the last record handled, per partition. */
    Map<Integer, Long> readUpTo() {
        return readUpTo;
    }
}
