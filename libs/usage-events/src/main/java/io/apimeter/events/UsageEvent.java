package io.apimeter.events;

import java.time.Instant;
import java.time.YearMonth;
import java.util.UUID;

/**
 * UsageEvent v1: one metered call through the gateway. The one fact everything downstream is built on.
 *
 * @param eventId     unique per call; the idempotency key of every consumer
 * @param customerId  the customer that made the call (also the Kafka record key)
 * @param apiKeyId    the platform API key it used
 * @param provider    which provider was called
 * @param operation   e.g. {@code chat.completions}, {@code text-to-speech}, {@code call}
 * @param model       the model id as sent by the client, e.g. {@code gpt-4-0613}; null when the call has none
 * @param pricedModel the price book model it resolved to, e.g. {@code gpt-4}; null when unpriced
 * @param occurredAt  UTC instant the call started; decides the billing month
 * @param latencyMs   time from the start of the call to its end, in milliseconds
 * @param httpStatus  status returned to the client
 * @param outcome     how the call ended
 * @param usage       billed quantities; negative only in an {@link UsageKind#ADJUSTMENT}
 * @param cost        price of the call; negative only in an {@link UsageKind#ADJUSTMENT}
 * @param kind        what the event stands for; null (absent in the JSON) is {@link UsageKind#REQUEST}. Only
 *                    requests count as calls and requests; reports and adjustments add quantities and cost only
 */
public record UsageEvent(
        UUID eventId,
        String customerId,
        String apiKeyId,
        Provider provider,
        String operation,
        String model,
        String pricedModel,
        Instant occurredAt,
        long latencyMs,
        int httpStatus,
        Outcome outcome,
        Usage usage,
        Cost cost,
        UsageKind kind) {

    /** CloudEvents type of this event. */
    public static final String TYPE = "apimeter.usage.v1";

    /** A request through the gateway, as every event was before {@code kind} existed (it stays absent). */
    public UsageEvent(UUID eventId, String customerId, String apiKeyId, Provider provider, String operation,
                      String model, String pricedModel, Instant occurredAt, long latencyMs, int httpStatus,
                      Outcome outcome, Usage usage, Cost cost) {
        this(eventId, customerId, apiKeyId, provider, operation, model, pricedModel, occurredAt, latencyMs,
                httpStatus, outcome, usage, cost, null);
    }

    /** What the event stands for: {@link UsageKind#REQUEST} when {@code kind} is absent. */
    public UsageKind effectiveKind() {
        return kind == null ? UsageKind.REQUEST : kind;
    }

    /**
     * Whether the event counts as a call (in summaries) and as a request (requests per minute, unusual activity).
     * Only requests do: a report or an adjustment of a call counted already adds its quantities and cost only.
     */
    public boolean countsAsCall() {
        return effectiveKind() == UsageKind.REQUEST;
    }

    /** The UTC calendar month this call is billed in. */
    public YearMonth billingMonth() {
        return Months.of(occurredAt);
    }

    /** Checks the fields every consumer relies on; throws {@link EventFormatException} when one is missing. */
    public UsageEvent validate() {
        require(eventId, "eventId");
        requireText(customerId, "customerId");
        require(provider, "provider");
        requireText(operation, "operation");
        require(occurredAt, "occurredAt");
        require(outcome, "outcome");
        require(usage, "usage");
        require(cost, "cost");
        if (latencyMs < 0) {
            throw new EventFormatException("latencyMs must not be negative");
        }
        // Only a correction may take usage back; a request or a report never bills less than nothing.
        boolean mayBeNegative = effectiveKind() == UsageKind.ADJUSTMENT;
        usage.validate(mayBeNegative);
        cost.validate(mayBeNegative);
        return this;
    }

    static void require(Object value, String field) {
        if (value == null) {
            throw new EventFormatException(field + " is required");
        }
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new EventFormatException(field + " is required");
        }
    }
}
