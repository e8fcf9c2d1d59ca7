package io.apimeter.common.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.EventFormatException;
import io.apimeter.testkit.EmbeddedKafka;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.KafkaTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batch consumer against a real broker: what is retried, what is dead-lettered, what is committed. */
class BatchConsumerTest {
    private static EmbeddedKafka kafka;
    private static KafkaTestClient client;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<BatchConsumer<?>> started = new ArrayList<>();
    private String topic;
    private String group;

    @BeforeAll
    static void startBroker() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "batch-consumer-kafka");
        kafka = EmbeddedKafka.start(dir, FreePorts.next(), FreePorts.next());
        client = new KafkaTestClient(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        client.close();
        kafka.close();
    }

    @BeforeEach
    void createTopics() throws Exception {
        topic = "batch-" + UUID.randomUUID();
        group = "group-" + UUID.randomUUID();
        kafka.admin().createTopics(List.of(new NewTopic(topic, 2, (short) 1),
                new NewTopic(DeadLetterHeaders.topicFor(topic), 1, (short) 1))).all().get();
    }

    @org.junit.jupiter.api.AfterEach
    void stopConsumers() {
        started.forEach(c -> c.stop(Duration.ofSeconds(10)));
    }

    private <T> BatchConsumer<T> start(BatchConsumer.Parser<T> parser, BatchConsumer.Handler<T> handler) {
        BatchConsumer<T> consumer = BatchConsumer.start(new BatchConsumer.Settings("test", topic, group,
                        Map.of("bootstrap.servers", kafka.bootstrapServers()), 500, Duration.ofMillis(50),
                        Duration.ofMillis(400), 3, Duration.ofSeconds(10)),
                parser, handler, registry);
        started.add(consumer);
        return consumer;
    }

    private static String value(ConsumerRecord<String, String> record) {
        if (record.value().startsWith("{bad")) {
            throw new EventFormatException("not an event: unreadable JSON");
        }
        return record.value();
    }

    @Test
    void shouldDeadLetterOnlyTheUnreadableRecordWithWhereItCameFromAndApplyTheRest() throws Exception {
        List<String> applied = new CopyOnWriteArrayList<>();
        start(BatchConsumerTest::value, applied::addAll);
        client.send(topic, "c-1", "one", Map.of("ce_id", "1"));
        client.send(topic, "c-1", "{bad json", Map.of("ce_id", "2"));
        client.send(topic, "c-1", "three", Map.of("ce_id", "3"));

        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 3);
        assertEquals(List.of("one", "three"), applied);
        List<ConsumerRecord<String, String>> dead = client.read(DeadLetterHeaders.topicFor(topic), r -> true,
                l -> !l.isEmpty(), Duration.ofSeconds(10));
        assertEquals(1, dead.size());
        ConsumerRecord<String, String> letter = dead.get(0);
        assertEquals("{bad json", letter.value());
        assertEquals("c-1", letter.key());
        assertEquals("2", KafkaTestClient.header(letter, "ce_id"));
        assertEquals(group, KafkaTestClient.header(letter, DeadLetterHeaders.GROUP));
        assertEquals(topic, KafkaTestClient.header(letter, DeadLetterHeaders.TOPIC));
        assertEquals("1", KafkaTestClient.header(letter, DeadLetterHeaders.OFFSET));
        assertTrue(KafkaTestClient.header(letter, DeadLetterHeaders.REASON).contains("unreadable JSON"));
        assertTrue(KafkaTestClient.header(letter, DeadLetterHeaders.TIME).endsWith("Z"));
        assertEquals(1.0, registry.get("apimeter.consumer.dead.letters").counter().count());
    }

    @Test
    void shouldRetryATransientFailureWithoutMovingTheOffsetAndResumeWhenItPasses() throws Exception {
        AtomicBoolean databaseDown = new AtomicBoolean(true);
        List<String> applied = new CopyOnWriteArrayList<>();
        BatchConsumer<String> consumer = start(BatchConsumerTest::value, batch -> {
            if (databaseDown.get()) {
                throw new IllegalStateException("could not commit",
                        new SQLTransientConnectionException("Connection refused", "08001"));
            }
            applied.addAll(batch);
        });
        client.send(topic, "c-1", "a");
        client.send(topic, "c-1", "b");

        await().atMost(Duration.ofSeconds(30)).until(() -> registry.get("apimeter.consumer.stalls").counter().count() >= 5);
        assertTrue(consumer.stalled(), "stalled while the database is down");
        assertTrue(consumer.lastFailure().contains("Connection refused"));
        assertEquals(0, committed(), "nothing committed while the batch fails");
        assertEquals(0, endOffset(DeadLetterHeaders.topicFor(topic)), "no dead letter for a database outage");

        databaseDown.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 2);
        assertEquals(List.of("a", "b"), applied);
        assertFalse(consumer.stalled());
        assertEquals(0, endOffset(DeadLetterHeaders.topicFor(topic)));
    }

    @Test
    void shouldDeadLetterOnlyTheRecordWhoseDataTheDatabaseRefuses() throws Exception {
        List<String> applied = new CopyOnWriteArrayList<>();
        AtomicInteger attemptsOfTheBadOne = new AtomicInteger();
        start(BatchConsumerTest::value, batch -> {
            if (batch.contains("too long")) {
                if (batch.size() == 1) {
                    attemptsOfTheBadOne.incrementAndGet();
                }
                throw new IllegalStateException(new SQLException("value too long for type character varying(256)",
                        "22001"));
            }
            applied.addAll(batch);
        });
        client.send(topic, "c-1", "x");
        client.send(topic, "c-1", "too long");
        client.send(topic, "c-1", "y");

        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 3);
        assertEquals(List.of("x", "y"), applied.stream().sorted().toList());
        assertEquals(3, attemptsOfTheBadOne.get(), "tried on its own as often as configured");
        assertEquals(2.0, registry.get("apimeter.consumer.records").counter().count(), "the refused one is not applied");
        List<ConsumerRecord<String, String>> dead = client.read(DeadLetterHeaders.topicFor(topic), r -> true,
                l -> !l.isEmpty(), Duration.ofSeconds(10));
        assertEquals(List.of("too long"), dead.stream().map(ConsumerRecord::value).toList());
        assertTrue(KafkaTestClient.header(dead.get(0), DeadLetterHeaders.REASON).contains("too long for type"));
    }

    @Test
    void shouldStopWithoutCommittingOrDeadLetteringTheBatchInHandAndHandItToTheNextConsumer() throws Exception {
        List<String> seenByFirst = Collections.synchronizedList(new ArrayList<>());
        BatchConsumer<String> first = start(BatchConsumerTest::value, batch -> {
            seenByFirst.addAll(batch);
            throw new IllegalStateException("EntityManagerFactory is closed");
        });
        client.send(topic, "c-1", "in flight");
        await().atMost(Duration.ofSeconds(30)).until(() -> !seenByFirst.isEmpty());

        assertTrue(first.stop(Duration.ofSeconds(10)), "stops within its timeout");
        assertTrue(first.finished());
        assertEquals(0, committed());
        assertEquals(0, endOffset(DeadLetterHeaders.topicFor(topic)), "stopping dead-letters nothing");

        List<String> applied = new CopyOnWriteArrayList<>();
        start(BatchConsumerTest::value, applied::addAll);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 1);
        assertEquals(List.of("in flight"), applied);
    }

    @Test
    void shouldKeepEachKeysOrderAcrossBatches() throws Exception {
        List<String> applied = new CopyOnWriteArrayList<>();
        start(BatchConsumerTest::value, applied::addAll);
        for (int i = 0; i < 1200; i++) {
            client.send(topic, "k-" + (i % 3), (i % 3) + ":" + i);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> committed() == 1200);
        for (int key = 0; key < 3; key++) {
            String prefix = key + ":";
            List<Integer> order = applied.stream().filter(v -> v.startsWith(prefix))
                    .map(v -> Integer.parseInt(v.substring(prefix.length()))).toList();
            assertEquals(400, order.size());
            assertEquals(order.stream().sorted().toList(), order, "key " + key + " in order");
        }
    }

    /** Offsets the group committed on the topic, summed over its partitions. */
    private long committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = kafka.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private long endOffset(String name) throws Exception {
        var partitions = kafka.admin().describeTopics(Set.of(name)).allTopicNames().get().get(name).partitions();
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
        return kafka.admin().listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
}
