package io.apimeter.events;

import java.time.Instant;

/**
 * Customer v1: the latest facts about one customer, published by gateway-service (through its outbox) to the
 * compacted {@code customers} topic, keyed on customerId. alert-service learns each customer's contact address
 * from it; other services may learn names from it.
 *
 * @param customerId   the customer (also the record key)
 * @param name         display name
 * @param contactEmail where notifications for this customer go
 * @param status       {@code ACTIVE} or {@code DISABLED}
 * @param updatedAt    when the gateway last changed the customer; a consumer keeps the newest it has seen
 */
public record CustomerRecord(
        String customerId,
        String name,
        String contactEmail,
        String status,
        Instant updatedAt) {

    public static final String TYPE = "apimeter.customer.v1";

    public CustomerRecord validate() {
        UsageEvent.requireText(customerId, "customerId");
        UsageEvent.requireText(status, "status");
        UsageEvent.require(updatedAt, "updatedAt");
        return this;
    }
}
