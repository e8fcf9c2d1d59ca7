package io.apimeter.local;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Dead letters for operators. A consumer that can never process a record (unreadable JSON, unknown schema
 * version, invalid event) writes it to {@code <topic>-dlq} with its original key, value and headers, plus the
 * {@code apimeter-dlq-*} headers saying who gave up on it, why, and where it came from.
 *
 * <ul>
 *   <li>{@code list <topic> [--bootstrap host:port]}: every record of the dead-letter topic, with whether it was
 *       replayed already, and a count.</li>
 *   <li>{@code replay <topic> [--bootstrap host:port]}: writes each record not replayed yet back to its original
 *       topic (key, value and original headers, without the {@code apimeter-dlq-*} ones; acks=all, idempotent),
 *       waits for the broker's acknowledgements, then commits the consumer group {@value #REPLAY_GROUP} on the
 *       dead-letter topic past them. That group's offsets are how far replay has gone. Replaying a record twice
 *       is harmless: every consumer is idempotent on the event id.</li>
 * </ul>
 * {@code <topic>} is the dead-letter topic ({@code usage-events-dlq}) or the topic it belongs to
 * ({@code usage-events}). {@code ./apimeter dlq list|replay <topic>} runs this against the local platform.
 */
public final class DeadLetters {
    /**
     * The header names, as in {@code libs/service-common/src/main/java/io/apimeter/common/messaging/DeadLetterHeaders.java}
     * (copied: local-platform does not depend on service-common). Keep them in step.
     */
    static final String GROUP = "apimeter-dlq-group";
    static final String REASON = "apimeter-dlq-reason";
    static final String TOPIC = "apimeter-dlq-topic";
    static final String PARTITION = "apimeter-dlq-partition";
    static final String OFFSET = "apimeter-dlq-offset";
    static final String TIME = "apimeter-dlq-time";
    /** Every header a dead-letter topic adds starts with this; a replay drops them all. */
    static final String HEADER_PREFIX = "apimeter-dlq-";
    static final String DLQ_SUFFIX = "-dlq";

    /** The consumer group whose committed offsets on a dead-letter topic mark what was replayed. */
    static final String REPLAY_GROUP = "apimeter-dlq-replay";
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    private static final Duration POLL = Duration.ofMillis(500);
    /** Reading stops when no record came for this long although the end was not reached. */
    private static final Duration STALL = Duration.ofSeconds(30);
    private static final long TIMEOUT_SECONDS = 30;
    private static final String USAGE = """
            usage: DeadLetters list|replay <topic> [--bootstrap host:port]
              list    every dead letter of <topic>-dlq: where it came from, who gave up on it and why, replayed or not
              replay  write the dead letters not replayed yet back to their original topics
              <topic> usage-events, alert-events, customers, or the dead-letter topic itself (usage-events-dlq)
            """;

    /**
     * One dead letter.
     *
     * @param partition         its partition in the dead-letter topic
     * @param offset            its offset there
     * @param group             the consumer group that gave up on it
     * @param reason            why
     * @param originalTopic     where it was read from; null when the header is missing
     * @param originalPartition its partition there, as written
     * @param originalOffset    its offset there, as written
     * @param time              when it was dead-lettered, ISO-8601
     * @param key               its key as text, null when it has none
     * @param replayed          whether the replay group has gone past it
     */
    public record DeadLetter(int partition, long offset, String group, String reason, String originalTopic,
                             String originalPartition, String originalOffset, String time, String key,
                             boolean replayed) {
    }

    /** Kept so that the level set on it is not lost to garbage collection. */
    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");

    private final String bootstrap;
    private final PrintStream out;

    public DeadLetters(String bootstrap, PrintStream out) {
        this.bootstrap = bootstrap;
        this.out = out;
    }

    public static void main(String[] argv) {
        quietKafkaClients();
        System.exit(run(argv, System.out, System.err));
    }

    /**
     * Only warnings and errors of the Kafka clients, on stderr, whichever logging slf4j finds first on the
     * classpath: log4j2 (bundled in greenmail-standalone) or java.util.logging (slf4j-jdk14). Before any Kafka class
     * logs.
     */
    private static void quietKafkaClients() {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "io/apimeter/local/dead-letters-log4j2.xml");
        }
        KAFKA_LOG.setLevel(Level.WARNING);
    }

    /** Runs one command; returns the exit status (0 done, 1 failed, 2 bad arguments). */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 2 || !(argv[0].equals("list") || argv[0].equals("replay"))) {
            err.print(USAGE);
            return 2;
        }
        String bootstrap;
        try {
            bootstrap = new Args(Arrays.copyOfRange(argv, 2, argv.length)).get("bootstrap", DEFAULT_BOOTSTRAP);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        DeadLetters dlq = new DeadLetters(bootstrap, out);
        String topic = dlqTopic(argv[1]);
        try {
            if (argv[0].equals("list")) {
                dlq.list(topic);
                return 0;
            }
            ReplayResult result = dlq.replay(topic);
            return result.problems().isEmpty() ? 0 : 1;
        } catch (IllegalStateException e) {
            err.println("dlq: " + e.getMessage());
            return 1;
        }
    }

    /** {@code usage-events} gives {@code usage-events-dlq}; a dead-letter topic stays as it is. */
    static String dlqTopic(String topic) {
        String name = topic.trim();
        return name.endsWith(DLQ_SUFFIX) ? name : name + DLQ_SUFFIX;
    }

    /** Prints every dead letter of the topic and a count; returns them. */
    public List<DeadLetter> list(String dlqTopic) {
        List<TopicPartition> partitions;
        Map<Integer, Long> replayedUpTo;
        try (Admin admin = admin()) {
            partitions = partitions(admin, dlqTopic);
            if (partitions == null) {
                out.println(dlqTopic + " does not exist: no dead letters");
                return List.of();
            }
            replayedUpTo = replayedUpTo(admin, dlqTopic);
        }
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(null)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            readToEnd(consumer, partitions, records -> {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    DeadLetter letter = describe(record, record.offset() < replayedUpTo.getOrDefault(record.partition(), 0L));
                    letters.add(letter);
                    out.println(format(dlqTopic, letter));
                }
            });
        }
        long replayed = letters.stream().filter(DeadLetter::replayed).count();
        out.printf("%d dead letter%s on %s: %d replayed, %d not replayed%n", letters.size(),
                letters.size() == 1 ? "" : "s", dlqTopic, replayed, letters.size() - replayed);
        return letters;
    }

    /**
     * @param replayed records written back to their topic and committed as replayed
     * @param problems records that could not be replayed (each stops its partition there), one line each
     */
    public record ReplayResult(int replayed, List<String> problems) {
    }

    /** Replays every dead letter not replayed yet; prints and returns how many, and what could not be. */
    public ReplayResult replay(String dlqTopic) {
        List<TopicPartition> partitions;
        try (Admin admin = admin()) {
            partitions = partitions(admin, dlqTopic);
        }
        if (partitions == null) {
            out.println(dlqTopic + " does not exist: nothing to replay");
            return new ReplayResult(0, List.of());
        }
        int replayed = 0;
        List<String> problems = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(REPLAY_GROUP);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions),
                    Duration.ofSeconds(TIMEOUT_SECONDS));
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            int[] count = {0};
            readToEnd(consumer, partitions, records -> {
                Batch batch = replayBatch(records, dlqTopic, producer);
                if (!batch.commit.isEmpty()) {
                    consumer.commitSync(batch.commit, Duration.ofSeconds(TIMEOUT_SECONDS));
                }
                count[0] += batch.replayed;
                problems.addAll(batch.problems);
                // a partition stopped by a record it cannot replay is read no further
                batch.stopped.forEach(p -> consumer.pause(List.of(p)));
            });
            replayed = count[0];
        }
        out.printf("replayed %d dead letter%s from %s%n", replayed, replayed == 1 ? "" : "s", dlqTopic);
        if (!problems.isEmpty()) {
            out.printf("%d could not be replayed (they and the records after them in their partition stay):%n",
                    problems.size());
            problems.forEach(p -> out.println("  " + p));
        }
        return new ReplayResult(replayed, problems);
    }

    private record Batch(int replayed, Map<TopicPartition, OffsetAndMetadata> commit, List<String> problems,
                         List<TopicPartition> stopped) {
    }

    /**
     * Sends the records of one poll to their original topics and waits for every acknowledgement. Per partition,
     * the offset to commit is the one after the last record that was acknowledged with all before it.
     */
    private Batch replayBatch(List<ConsumerRecord<byte[], byte[]>> records, String dlqTopic,
                              KafkaProducer<byte[], byte[]> producer) {
        Map<TopicPartition, List<Map.Entry<ConsumerRecord<byte[], byte[]>, Future<RecordMetadata>>>> sent =
                new LinkedHashMap<>();
        Map<TopicPartition, String> stoppedBy = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (stoppedBy.containsKey(partition)) {
                continue;
            }
            String target = header(record.headers(), TOPIC);
            if (target == null || target.isBlank() || target.equals(dlqTopic)) {
                stoppedBy.put(partition, where(record) + ": " + (target == null || target.isBlank()
                        ? "no " + TOPIC + " header: the original topic is unknown"
                        : "its original topic is the dead-letter topic itself"));
                continue;
            }
            ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(target, null, record.key(), record.value(),
                    originalHeaders(record.headers()));
            Future<RecordMetadata> ack;
            try {
                ack = producer.send(copy);
            } catch (RuntimeException e) {
                stoppedBy.put(partition, where(record) + ": cannot send to " + target + ": " + e);
                continue;
            }
            sent.computeIfAbsent(partition, p -> new ArrayList<>()).add(Map.entry(record, ack));
        }
        producer.flush();
        int replayed = 0;
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (var entry : sent.entrySet()) {
            for (var letter : entry.getValue()) {
                ConsumerRecord<byte[], byte[]> record = letter.getKey();
                try {
                    letter.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the broker", e);
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    // the first failure of a partition stops it there: nothing after it is committed
                    stoppedBy.put(entry.getKey(), where(record) + ": the broker did not take it: " + cause);
                    break;
                }
                commit.put(entry.getKey(), new OffsetAndMetadata(record.offset() + 1));
                replayed++;
            }
        }
        problems.addAll(stoppedBy.values());
        return new Batch(replayed, commit, problems, List.copyOf(stoppedBy.keySet()));
    }

    /** Polls until every partition not paused has been read to the end it had when reading began. */
    private void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                           Consumer<List<ConsumerRecord<byte[], byte[]>>> handler) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(TIMEOUT_SECONDS));
        long lastProgress = System.nanoTime();
        while (true) {
            boolean done = true;
            for (TopicPartition partition : partitions) {
                if (!consumer.paused().contains(partition)
                        && consumer.position(partition, Duration.ofSeconds(TIMEOUT_SECONDS)) < end.get(partition)) {
                    done = false;
                }
            }
            if (done) {
                return;
            }
            if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("no records from " + partitions.get(0).topic() + " for "
                        + STALL.toSeconds() + " s before its end; is the broker up?");
            }
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    batch.add(record);
                }
            }
            if (!batch.isEmpty()) {
                lastProgress = System.nanoTime();
                handler.accept(batch);
            }
        }
    }

    static DeadLetter describe(ConsumerRecord<byte[], byte[]> record, boolean replayed) {
        Headers headers = record.headers();
        return new DeadLetter(record.partition(), record.offset(), header(headers, GROUP), header(headers, REASON),
                header(headers, TOPIC), header(headers, PARTITION), header(headers, OFFSET), header(headers, TIME),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), replayed);
    }

    /** One line: {@code <dlq> <partition>/<offset>  replayed: ..  group: ..  from: <topic> <partition>/<offset>  ...}. */
    static String format(String dlqTopic, DeadLetter letter) {
        return String.format("%s %d/%d  replayed: %s  group: %s  from: %s %s/%s  dead-lettered: %s  key: %s  reason: %s",
                dlqTopic, letter.partition(), letter.offset(), letter.replayed() ? "yes" : "no", orDash(letter.group()),
                orDash(letter.originalTopic()), orDash(letter.originalPartition()), orDash(letter.originalOffset()),
                orDash(letter.time()), letter.key() == null ? "(none)" : letter.key(), orDash(letter.reason()));
    }

    /** The record's headers without the dead-letter ones, in their order. */
    static List<Header> originalHeaders(Headers headers) {
        List<Header> kept = new ArrayList<>();
        for (Header header : headers) {
            if (!header.key().startsWith(HEADER_PREFIX)) {
                kept.add(new RecordHeader(header.key(), header.value()));
            }
        }
        return kept;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + " " + record.partition() + "/" + record.offset();
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    /** The topic's partitions, or null when it does not exist. */
    private static List<TopicPartition> partitions(Admin admin, String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within " + TIMEOUT_SECONDS + " s; is it up?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Per partition of the topic, the offset up to which the replay group has replayed (0: nothing yet). */
    private static Map<Integer, Long> replayedUpTo(Admin admin, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(REPLAY_GROUP)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<Integer, Long> upTo = new HashMap<>();
            offsets.forEach((p, o) -> {
                if (o != null && p.topic().equals(topic)) {
                    upTo.put(p.partition(), o.offset());
                }
            });
            return upTo;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of " + REPLAY_GROUP + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
    }

    /** A consumer that assigns partitions itself and commits only when told; in {@code group} when not null. */
    private KafkaConsumer<byte[], byte[]> consumer(String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "apimeter-dlq");
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "apimeter-dlq-replay",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
