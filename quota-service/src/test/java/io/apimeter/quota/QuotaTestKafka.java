package io.apimeter.quota;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.Cost;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.Topics;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Puts usage events on the real broker and reads the alerts quota-service publishes. */
final class QuotaTestKafka {
    private static KafkaTestClient client;

    private QuotaTestKafka() {
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

    static UsageEvent openai(String customerId, long tokens, Instant occurredAt) {
        return event(customerId, Provider.OPENAI, "chat.completions", new Usage(tokens / 2, tokens - tokens / 2, 0, 0,
                0, 0, false), "0.01", occurredAt);
    }

    static UsageEvent elevenlabs(String customerId, long characters, Instant occurredAt) {
        return event(customerId, Provider.ELEVENLABS, "text-to-speech", new Usage(0, 0, 0, 0, characters, 0, false),
                "0.03", occurredAt);
    }

    static UsageEvent smartflo(String customerId, long seconds, String cost, Instant occurredAt) {
        return event(customerId, Provider.SMARTFLO, "call", new Usage(0, 0, 0, 0, 0, seconds, false), cost,
                occurredAt);
    }

    static UsageEvent event(String customerId, Provider provider, String operation, Usage usage, String cost,
                            Instant occurredAt) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-1", provider, operation, null, null, occurredAt,
                120, 200, Outcome.SUCCESS, usage, Cost.of(new BigDecimal(cost), "price-1", 1));
    }

    static void send(UsageEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        CloudEventHeaders.of(event, "apimeter/test").forEach((name, value) ->
                headers.put(name, new String(value, StandardCharsets.UTF_8)));
        client().send(Topics.USAGE_EVENTS, event.customerId(), EventJson.write(event), headers);
    }

    /** The customer's alert records, read until {@code done} holds for them (or 30 seconds pass). */
    static List<ConsumerRecord<String, String>> alertRecords(String customerId,
                                                             Predicate<List<AlertEvent>> done) {
        return client().read(Topics.ALERT_EVENTS, r -> customerId.equals(r.key()),
                records -> done.test(parse(records)), Duration.ofSeconds(30));
    }

    static List<AlertEvent> alerts(String customerId, Predicate<List<AlertEvent>> done) {
        return parse(alertRecords(customerId, done));
    }

    /** Waits until the customer has an alert of this type and dimension, and returns all its alerts. */
    static List<AlertEvent> alertsUntil(String customerId, AlertType type, QuotaDimension dimension) {
        return alerts(customerId, list -> list.stream().anyMatch(a -> a.type() == type && a.dimension() == dimension));
    }

    static List<AlertEvent> of(List<AlertEvent> alerts, QuotaDimension dimension) {
        return alerts.stream().filter(a -> a.dimension() == dimension).toList();
    }

    private static List<AlertEvent> parse(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> EventJson.readAlertEvent(r.value())).toList();
    }
}
