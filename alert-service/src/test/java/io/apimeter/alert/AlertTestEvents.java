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
}
