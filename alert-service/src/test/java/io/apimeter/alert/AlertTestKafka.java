package io.apimeter.alert;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.Topics;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Puts alert events on the real broker, as quota-service does. */
final class AlertTestKafka {
    private static KafkaTestClient client;

    private AlertTestKafka() {
    }

    static synchronized KafkaTestClient client() {
        if (client == null) {
            client = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers());
        }
        return client;
    }

    static String newCustomer() {
        return "c-" + UUID.randomUUID();
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

    static void send(AlertEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        CloudEventHeaders.of(event, "apimeter/quota-service").forEach((name, value) ->
                headers.put(name, new String(value, StandardCharsets.UTF_8)));
        client().send(Topics.ALERT_EVENTS, event.customerId(), EventJson.write(event), headers);
    }
}
