package io.apimeter.quota;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Cost;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.Topics;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.KafkaTestClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Usage events with the quantities a quota test chooses, and the alerts and statuses quota-service publishes. */
final class QuotaTestKafka {
    private QuotaTestKafka() {
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

    static UsageEvent openai(String customerId, long tokens, String cost, Instant occurredAt) {
        return event(customerId, Provider.OPENAI, "chat.completions", new Usage(tokens / 2, tokens - tokens / 2, 0, 0,
                0, 0, false), cost, occurredAt);
    }

    static UsageEvent elevenlabs(String customerId, long characters, String cost, Instant occurredAt) {
        return event(customerId, Provider.ELEVENLABS, "text-to-speech", new Usage(0, 0, 0, 0, characters, 0, false),
                cost, occurredAt);
    }

    /** A call the gateway refused (quota): zero quantities, zero cost, still one request. */
    static UsageEvent rejected(String customerId, Instant occurredAt) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-1", Provider.OPENAI, "chat.completions", null, null,
                occurredAt, 1, 429, Outcome.REJECTED, Usage.NONE, Cost.of(BigDecimal.ZERO, "price-1", 1));
    }

    static UsageEvent event(String customerId, Provider provider, String operation, Usage usage, String cost,
                            Instant occurredAt) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-1", provider, operation, null, null, occurredAt,
                120, 200, Outcome.SUCCESS, usage, Cost.of(new BigDecimal(cost), "price-1", 1));
    }

    /** The customer's quota-status records, read until {@code done} holds for them (or 30 seconds pass). */
    static List<ConsumerRecord<String, String>> statusRecords(String customerId, Predicate<List<QuotaStatus>> done) {
        return KafkaTestClient.shared().readKey(Topics.QUOTA_STATUS, customerId,
                records -> done.test(records.stream().map(r -> EventJson.readQuotaStatus(r.value())).toList()),
                Duration.ofSeconds(30));
    }

    static List<QuotaStatus> statuses(String customerId, Predicate<List<QuotaStatus>> done) {
        return statusRecords(customerId, done).stream().map(r -> EventJson.readQuotaStatus(r.value())).toList();
    }

    static List<AlertEvent> ofType(List<AlertEvent> alerts, AlertType type) {
        return alerts.stream().filter(a -> a.type() == type).toList();
    }

    /** The customer's alert records, read until {@code done} holds for them (or 30 seconds pass). */
    static List<ConsumerRecord<String, String>> alertRecords(String customerId,
                                                             Predicate<List<AlertEvent>> done) {
        return KafkaTestClient.shared().readKey(Topics.ALERT_EVENTS, customerId, records -> done.test(parse(records)),
                Duration.ofSeconds(30));
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

    static List<AlertEvent> parse(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> EventJson.readAlertEvent(r.value())).toList();
    }
}
