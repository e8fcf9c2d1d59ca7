package io.apimeter.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.testkit.EmbeddedKafka;
import io.apimeter.testkit.KafkaTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersTest {
    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static KafkaTestClient client;

    @BeforeAll
    static void startBroker() {
        // a broker of its own, with the platform's topics (KafkaTopics): usage-events(-dlq), alert-events(-dlq), ...
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
        client = new KafkaTestClient(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (client != null) {
            client.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The headers the gateway wrote, in order. */
    private static Map<String, String> original(int i) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", "00000000-0000-4000-8000-00000000000" + i);
        headers.put("ce_type", "apimeter.usage.v1");
        headers.put("content-type", "application/json");
        return headers;
    }

    private static Map<String, String> deadLetter(int i, String topic) {
        Map<String, String> headers = new LinkedHashMap<>(original(i));
        headers.put(DeadLetters.GROUP, "aggregation-service");
        headers.put(DeadLetters.REASON, "not a valid UsageEvent: unexpected end of input " + i);
        headers.put(DeadLetters.TOPIC, topic);
        headers.put(DeadLetters.PARTITION, String.valueOf(i % 3));
        headers.put(DeadLetters.OFFSET, String.valueOf(100 + i));
        headers.put(DeadLetters.TIME, "2026-11-30T12:00:0" + i + "Z");
        return headers;
    }

    @Test
    void shouldListReplayToTheOriginalTopicAndNotReplayTwice() throws Exception {
        for (int i = 1; i <= 3; i++) {
            client.send("usage-events-dlq", "dlq-customer-" + i, "{\"eventId\":" + i, deadLetter(i, "usage-events"));
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DeadLetters dlq = new DeadLetters(kafka.bootstrapServers(), new PrintStream(printed, true, StandardCharsets.UTF_8));

        List<DeadLetters.DeadLetter> letters = dlq.list("usage-events-dlq");
        assertEquals(3, letters.size());
        for (DeadLetters.DeadLetter letter : letters) {
            int i = Integer.parseInt(letter.key().substring("dlq-customer-".length()));
            assertEquals("aggregation-service", letter.group());
            assertEquals("not a valid UsageEvent: unexpected end of input " + i, letter.reason());
            assertEquals("usage-events", letter.originalTopic());
            assertEquals(String.valueOf(i % 3), letter.originalPartition());
            assertEquals(String.valueOf(100 + i), letter.originalOffset());
            assertEquals("2026-11-30T12:00:0" + i + "Z", letter.time());
            assertFalse(letter.replayed());
        }
        String listing = printed.toString(StandardCharsets.UTF_8);
        assertTrue(listing.contains("3 dead letters on usage-events-dlq: 0 replayed, 3 not replayed"), listing);
        assertTrue(listing.contains("  replayed: no  group: aggregation-service  from: usage-events 1/101"
                + "  dead-lettered: 2026-11-30T12:00:01Z"
                + "  key: dlq-customer-1  reason: not a valid UsageEvent: unexpected end of input 1"), listing);

        DeadLetters.ReplayResult replay = dlq.replay("usage-events-dlq");
        assertEquals(3, replay.replayed());
        assertEquals(List.of(), replay.problems());
        assertEquals(3, records("usage-events"), "the replay wrote the three records to usage-events");

        List<ConsumerRecord<String, String>> replayed = client.read("usage-events",
                r -> r.key().startsWith("dlq-customer-"), l -> l.size() >= 3, Duration.ofSeconds(30));
        assertEquals(3, replayed.size());
        for (ConsumerRecord<String, String> record : replayed) {
            int i = Integer.parseInt(record.key().substring("dlq-customer-".length()));
            assertEquals("{\"eventId\":" + i, record.value());
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            assertEquals(new ArrayList<>(original(i).entrySet()), new ArrayList<>(headers.entrySet()),
                    "the original headers, in their order, and no apimeter-dlq-* header");
        }

        assertTrue(dlq.list("usage-events-dlq").stream().allMatch(DeadLetters.DeadLetter::replayed));

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        int status = DeadLetters.run(new String[] {"replay", "usage-events", "--bootstrap", kafka.bootstrapServers()},
                new PrintStream(again, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status);
        assertTrue(again.toString(StandardCharsets.UTF_8).contains("replayed 0 dead letters from usage-events-dlq"),
                again.toString(StandardCharsets.UTF_8));
        assertEquals(3, records("usage-events"), "a second replay writes nothing");

        // a dead letter that arrives later is the only one replayed next time
        client.send("usage-events-dlq", "dlq-customer-4", "{\"eventId\":4", deadLetter(4, "usage-events"));
        assertEquals(1, dlq.replay("usage-events-dlq").replayed());
        assertEquals(4, records("usage-events"));
    }

    @Test
    void shouldStopAPartitionAtADeadLetterWithoutItsOriginalTopic() throws Exception {
        Map<String, String> noTopic = deadLetter(1, "alert-events");
        noTopic.remove(DeadLetters.TOPIC);
        // same key, same partition: the good record after the bad one waits behind it
        client.send("alert-events-dlq", "dlq-alert", "{\"a\":1}", noTopic);
        client.send("alert-events-dlq", "dlq-alert", "{\"a\":2}", deadLetter(2, "alert-events"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status = DeadLetters.run(new String[] {"replay", "alert-events", "--bootstrap", kafka.bootstrapServers()},
                new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);
        String output = printed.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, output);
        assertTrue(output.contains("replayed 0 dead letters from alert-events-dlq"), output);
        assertTrue(output.contains("no apimeter-dlq-topic header"), output);
        assertEquals(0, records("alert-events"));
        DeadLetters dlq = new DeadLetters(kafka.bootstrapServers(), new PrintStream(new ByteArrayOutputStream()));
        assertTrue(dlq.list("alert-events-dlq").stream().noneMatch(DeadLetters.DeadLetter::replayed));
    }

    @Test
    void shouldTakeATopicOrItsDeadLetterTopicAndSayWhenThereIsNone() {
        assertEquals("usage-events-dlq", DeadLetters.dlqTopic("usage-events"));
        assertEquals("usage-events-dlq", DeadLetters.dlqTopic("usage-events-dlq"));
        assertEquals("customers-dlq", DeadLetters.dlqTopic("customers"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DeadLetters dlq = new DeadLetters(kafka.bootstrapServers(), new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertEquals(List.of(), dlq.list("no-such-topic-dlq"));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("no-such-topic-dlq does not exist"));
        assertEquals(2, DeadLetters.run(new String[] {"purge", "usage-events"}, System.out,
                new PrintStream(new ByteArrayOutputStream())));
    }

    /** Records on the topic: the sum of its partitions' end offsets (no compaction, nothing deleted). */
    private static long records(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        }
    }
}
