package io.apimeter.testkit;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for tests: publish events as the services do, put raw records on a topic, read what a
 * service wrote.
 */
public final class KafkaTestClient implements AutoCloseable {
    /** The {@code ce_source} of the events that tests publish. */
    public static final String SOURCE = "apimeter/test";

    private static KafkaTestClient shared;

    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;
    private final boolean isShared;

    public KafkaTestClient(String bootstrapServers) {
        this(bootstrapServers, false);
    }

    private KafkaTestClient(String bootstrapServers, boolean isShared) {
        this.bootstrapServers = bootstrapServers;
        this.isShared = isShared;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    /**
     * The client of this JVM's shared broker ({@link SharedInfrastructure#get()}), created on first use; safe to
     * use from any thread. It is never closed: every send waits for the broker's acknowledgement, so nothing
     * is left in its buffer, and its I/O thread is a daemon that ends with the JVM. {@link #close()} leaves it
     * open, so a test cannot take it away from the others.
     */
    public static synchronized KafkaTestClient shared() {
        if (shared == null) {
            shared = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers(), true);
        }
        return shared;
    }

    /**
     * Publishes a usage event as the gateway does: on {@code usage-events}, key customerId, the event's JSON,
     * CloudEvents headers (source {@value #SOURCE}). Waits for the broker's acknowledgement.
     */
    public void publish(UsageEvent event) {
        sendRecord(Topics.USAGE_EVENTS, event.customerId(), EventJson.write(event),
                CloudEventHeaders.of(event, SOURCE));
    }

    /**
     * Publishes an alert event as quota-service does: on {@code alert-events}, key customerId, the event's JSON,
     * CloudEvents headers (source {@value #SOURCE}). Waits for the broker's acknowledgement.
     */
    public void publish(AlertEvent event) {
        sendRecord(Topics.ALERT_EVENTS, event.customerId(), EventJson.write(event),
                CloudEventHeaders.of(event, SOURCE));
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public void send(String topic, String key, String value, Map<String, String> headers) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        headers.forEach((name, v) -> bytes.put(name, v.getBytes(StandardCharsets.UTF_8)));
        sendRecord(topic, key, value, bytes);
    }

    public void send(String topic, String key, String value) {
        send(topic, key, value, Map.of());
    }

    private void sendRecord(String topic, String key, String value, Map<String, byte[]> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach(record.headers()::add);
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /**
     * Reads a topic from the beginning until {@code done} holds for the records matching {@code filter}
     * or the timeout passes, and returns those records.
     */
    public List<ConsumerRecord<String, String>> read(String topic, Predicate<ConsumerRecord<String, String>> filter,
                                                     Predicate<List<ConsumerRecord<String, String>>> done,
                                                     Duration timeout) {
        List<ConsumerRecord<String, String>> matched = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(record)) {
                        matched.add(record);
                    }
                }
                if (done.test(matched)) {
                    break;
                }
            }
        }
        return matched;
    }

    /**
     * Reads a topic from the beginning until {@code done} holds for the records with this key (every topic is
     * keyed on customerId) or the timeout passes, and returns those records.
     */
    public List<ConsumerRecord<String, String>> readKey(String topic, String key,
                                                        Predicate<List<ConsumerRecord<String, String>>> done,
                                                        Duration timeout) {
        return read(topic, r -> key.equals(r.key()), done, timeout);
    }

    /** The value of a header as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Closes the producer; does nothing on the {@link #shared()} client. */
    @Override
    public void close() {
        if (isShared) {
            return;
        }
        producer.close(Duration.ofSeconds(5));
    }
}
