package io.apimeter.alert;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Alert events as quota-service publishes them, each with a new eventId. */
final class AlertTestEvents {
    private AlertTestEvents() {
    }

    static AlertEvent warning(String customerId, Instant occurredAt) {
        return new AlertEvent(UUID.randomUUID(), AlertType.WARNING, customerId, QuotaDimension.OPENAI_TOKENS,
                "2026-11", 80, new BigDecimal("805000"), new BigDecimal("1000000"),
                customerId + " has used 80.5% of its monthly OpenAI token limit (805,000 of 1,000,000 tokens)",
                occurredAt, UUID.randomUUID());
    }

    static AlertEvent exceeded(String customerId, Instant occurredAt) {
        return new AlertEvent(UUID.randomUUID(), AlertType.EXCEEDED, customerId, QuotaDimension.TOTAL_COST_USD,
                "2026-11", 100, new BigDecimal("100.25"), new BigDecimal("100"),
                customerId + " has exceeded its monthly cost limit: 100.25% used ($100.25 of $100.00)",
                occurredAt, UUID.randomUUID());
    }

    static AlertEvent rateLimit(String customerId, Instant occurredAt) {
        return new AlertEvent(UUID.randomUUID(), AlertType.RATE_LIMIT, customerId, QuotaDimension.REQUESTS_PER_MINUTE,
                "2026-11", 100, new BigDecimal("121"), new BigDecimal("120"),
                customerId + " made 121 requests in one minute; its limit is 120 per minute", occurredAt, UUID.randomUUID());
    }

    static AlertEvent unusualActivity(String customerId, Instant occurredAt) {
        return new AlertEvent(UUID.randomUUID(), AlertType.UNUSUAL_ACTIVITY, customerId, QuotaDimension.TOTAL_COST_USD,
                "2026-11", null, new BigDecimal("42.50"), null,
                customerId + " spent $42.50 in the last hour, 12 times its usual hourly cost", occurredAt, null);
    }

    static AlertEvent platformCost(Instant occurredAt) {
        return new AlertEvent(UUID.randomUUID(), AlertType.PLATFORM_COST, AlertEvent.PLATFORM,
                QuotaDimension.TOTAL_COST_USD, "2026-11", 80, new BigDecimal("8100"), new BigDecimal("10000"),
                "The platform cost has reached 81% of its monthly budget ($8,100.00 of $10,000.00)", occurredAt, null);
    }

    /** As the gateway raises it: a platform alert that names the customer whose call was unpriced. */
    static AlertEvent unpricedModel(String callingCustomer, Instant occurredAt) {
        return new AlertEvent(UUID.randomUUID(), AlertType.UNPRICED_MODEL, AlertEvent.PLATFORM, null, "2026-11", null,
                null, null, "OPENAI model gpt-9 has no price: calls by customer " + callingCustomer
                + " in 2026-11 are recorded unpriced.", occurredAt, UUID.randomUUID());
    }
}
