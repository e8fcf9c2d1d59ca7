package io.apimeter.gateway.service;

import io.apimeter.events.QuotaStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest QuotaStatus of every customer, as read from the compacted {@code quota-status} topic: what the
 * request path decides blocks and rate limits on, without asking quota-service. A status older (by
 * {@code updatedAt}) than the one held is ignored, so a record read twice or late changes nothing.
 */
@ApplicationScoped
public class QuotaStatuses {
    /** What applying a record did. */
    public enum Applied {
        /** The status is now the customer's. */
        APPLIED,
        /** The status was older than the one held, and ignored. */
        STALE
    }

    private final ConcurrentHashMap<String, QuotaStatus> byCustomer = new ConcurrentHashMap<>();
    private final UsageLedger ledger;

    public QuotaStatuses(MeterRegistry registry, UsageLedger ledger) {
        this.ledger = ledger;
        Gauge.builder("apimeter.gateway.quota.statuses", byCustomer, ConcurrentHashMap::size)
                .description("Customers whose quota status the gateway holds in memory").register(registry);
    }

    /** The customer's newest status, or null when quota-service published none (no limits: nothing to enforce). */
    public QuotaStatus get(String customerId) {
        return byCustomer.get(customerId);
    }

    /** Keeps the status unless a newer one of the customer is held already. */
    public Applied apply(QuotaStatus status) {
        QuotaStatus kept = byCustomer.merge(status.customerId(), status,
                (held, offered) -> offered.updatedAt().isBefore(held.updatedAt()) ? held : offered);
        if (kept != status) {
            return Applied.STALE;
        }
        ledger.confirm(status);
        return Applied.APPLIED;
    }

    /** A tombstone: quota-service has nothing on the customer any more. */
    public void remove(String customerId) {
        byCustomer.remove(customerId);
    }
}
