package io.apimeter.benchmark;

import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes usage events to {@code usage-events} as fast as one producer takes them: the records are the
 * gateway's (key customerId, value the event's JSON as a string, CloudEvents headers), the producer is tuned
 * for throughput (acks=all, idempotent, linger 20 ms, 256 KiB batches, lz4).
 */
final class Publisher implements AutoCloseable {

    /**
     * @param firstSendNanos {@link System#nanoTime()} just before the first send
     * @param ackedNanos     {@link System#nanoTime()} once the broker had acknowledged every record
     * @param acked          records the broker acknowledged
     * @param failed         records it did not take
     * @param firstError     the first failure, null when none
     */
    record Result(long firstSendNanos, long ackedNanos, long acked, long failed, String firstError) {
        double seconds() {
            return (ackedNanos - firstSendNanos) / 1e9;
        }
    }

    private final KafkaProducer<String, String> producer;

    Publisher(String bootstrap) {
        this.producer = new KafkaProducer<>(config(bootstrap), new StringSerializer(), new StringSerializer());
    }

    static Map<String, Object> config(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "pipeline-benchmark",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    }

    /** The record the gateway would write for this event. */
    static ProducerRecord<String, String> record(UsageEvent event) {
        List<Header> headers = new ArrayList<>(7);
        CloudEventHeaders.of(event, EventGenerator.SOURCE).forEach((name, value) -> headers.add(new RecordHeader(name, value)));
        return new ProducerRecord<>(Topics.USAGE_EVENTS, null, event.customerId(), EventJson.write(event), headers);
    }

    /**
     * Makes and sends {@code count} events (occurredAt = now), then waits until the broker has acknowledged all of
     * them. Prints a progress line at every tenth.
     */
    Result publish(EventGenerator generator, long count) {
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long step = Math.max(1, count / 10);
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            UsageEvent event = generator.next(Instant.now());
            producer.send(record(event), (metadata, error) -> {
                if (error == null) {
                    acked.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, error.toString());
                }
            });
            if ((i + 1) % step == 0 && i + 1 < count) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("  published %,d of %,d events (%.1f s, %,.0f events/s)%n", i + 1, count, seconds,
                        (i + 1) / seconds);
            }
        }
        producer.flush();
        long end = System.nanoTime();
        return new Result(start, end, acked.get(), failed.get(), firstError.get());
    }

    @Override
    public void close() {
        producer.close();
    }
}
