package io.apimeter.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * AlertEvent v1: something an admin or a customer must be told about.
 *
 * @param eventId          unique per alert; alert-service's idempotency key and the alert's id
 * @param type             what happened
 * @param customerId       the customer concerned, or {@link #PLATFORM} for platform-wide alerts
 * @param dimension        the quota dimension concerned, null for alerts without one
 * @param month            billing month, {@code YYYY-MM}
 * @param thresholdPercent the threshold crossed (80, 100), null where it does not apply
 * @param used             usage at the moment of crossing, in the dimension's unit
 * @param limit            the limit in force, in the same unit
 * @param message          one sentence a person reads
 * @param occurredAt       when the crossing happened (the occurredAt of the event that caused it)
 * @param causeEventId     the UsageEvent that caused it, where there is one
 */
public record AlertEvent(
        UUID eventId,
        AlertType type,
        String customerId,
        QuotaDimension dimension,
        String month,
        Integer thresholdPercent,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal used,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal limit,
        String message,
        Instant occurredAt,
        UUID causeEventId) {

    public static final String TYPE = "apimeter.alert.v1";
    public static final String PLATFORM = "platform";

    public AlertEvent validate() {
        UsageEvent.require(eventId, "eventId");
        UsageEvent.require(type, "type");
        UsageEvent.requireText(customerId, "customerId");
        UsageEvent.requireText(message, "message");
        UsageEvent.require(occurredAt, "occurredAt");
        return this;
    }
}
