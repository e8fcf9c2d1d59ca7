package io.apimeter.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * QuotaStatus v1: a customer's standing against its limits this month, published to the compacted
 * {@code quota-status} topic so that the gateway can decide without calling quota-service.
 *
 * @param customerId the customer (also the record key)
 * @param month      billing month, {@code YYYY-MM}
 * @param blocked    true when a quota with enforcement {@code BLOCK} is exceeded: the gateway rejects calls
 * @param dimensions one entry per limited dimension
 * @param updatedAt  when quota-service computed it
 */
public record QuotaStatus(
        String customerId,
        String month,
        boolean blocked,
        List<Dimension> dimensions,
        Instant updatedAt) {

    public static final String TYPE = "apimeter.quota-status.v1";

    /**
     * @param dimension   which quota
     * @param used        usage this month, in the dimension's unit
     * @param limit       the limit, null when unlimited
     * @param percent     used / limit in percent, two decimals; null when unlimited
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
