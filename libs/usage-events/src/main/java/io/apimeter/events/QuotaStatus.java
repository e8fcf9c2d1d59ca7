package io.apimeter.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * QuotaStatus v1: a customer's standing against its limits this month, published to the compacted
 * {@code quota-status} topic so that the gateway can decide without calling quota-service.
 *
 * @param customerId the customer (also the record key)
 * @param month      billing month, {@code YYYY-MM}
 * @param blocked    true when a quota with enforcement {@code BLOCK} is exceeded this month; which calls the
 *                   gateway rejects follows from the dimensions (a provider's own dimension, or total cost for all)
 * @param dimensions one entry per limited dimension, requests per minute included
 * @param rateLimitedUntil when requests per minute are enforced ({@code BLOCK}) and the customer's calls across all
 *                   gateway replicas went over the limit this minute: the end of that minute; otherwise null
 * @param updatedAt  when quota-service computed it; a consumer keeps the newest it has seen
 * @param lastEventId the customer's last usage event counted in {@code used} (null when the status was not
 *                   published for an event, for example after a quota change): a gateway replica that metered
 *                   that event knows its own events up to it are counted, and stops adding them itself
 */
public record QuotaStatus(
        String customerId,
        String month,
        boolean blocked,
        List<Dimension> dimensions,
        Instant rateLimitedUntil,
        Instant updatedAt,
        UUID lastEventId) {

    /** A status not published for a particular event. */
    public QuotaStatus(String customerId, String month, boolean blocked, List<Dimension> dimensions,
                       Instant rateLimitedUntil, Instant updatedAt) {
        this(customerId, month, blocked, dimensions, rateLimitedUntil, updatedAt, null);
    }

    public static final String TYPE = "apimeter.quota-status.v1";

    /** True when this status speaks of the given month; a status of an earlier month blocks nothing. */
    public boolean isFor(String currentMonth) {
        return month != null && month.equals(currentMonth);
    }

    /**
     * @param dimension   which quota
     * @param used        usage this month, in the dimension's unit
     * @param limit       the limit, null when unlimited
     * @param percent     used / limit in percent, rounded down to two decimals (100 only once reached; 100 for a
     *                    limit of 0); null when unlimited
     * @param enforcement {@code ALERT_ONLY} or {@code BLOCK}
     */
    public record Dimension(
            QuotaDimension dimension,
            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal used,
            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal limit,
            @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal percent,
            String enforcement) {
    }
}
