package io.apimeter.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * A consumer that takes what a poll returns and applies it as one batch, in one database transaction of the
 * caller's, then commits the batch's offsets. It never moves its offsets past a record that was neither
 * applied nor dead-lettered:
 *
 * <ul>
 *     <li>A record that can never be processed ({@link RecordFailures}: unreadable, unknown version, invalid) is
 *     written to the dead-letter topic with the {@link DeadLetterHeaders}, acknowledged by the broker, before the
 *     offset passes it.</li>
 *     <li>Any other failure is waited out: the same batch is applied again with capped exponential backoff, for as
 *     long as it takes. While it waits the consumer is {@link #stalled()}; its partitions are paused and it keeps
 *     polling, so that it stays in its group.</li>
 *     <li>When the database refuses some record's data, the batch is applied record by record to find it; only
 *     that record, failing so a few times on its own, is dead-lettered.</li>
 *     <li>{@link #stop} ends the loop: the batch in hand is finished if its transaction is under way, otherwise
 *     abandoned without a commit (it is read again, and the consumers are idempotent). Stopping never
 *     dead-letters anything.</li>
 * </ul>
 *
 * <p>One thread polls, applies and commits; Kafka's consumer is not shared. Records keep their partition order,
 * so one customer's events (keyed on customerId) are applied in order.
 */
public final class BatchConsumer<T> {
    private static final Logger LOG = Logger.getLogger(BatchConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration KAFKA_CALL = Duration.ofSeconds(10);
    private static final Duration CLOSE = Duration.ofSeconds(5);

    /** Reads a record into what the handler applies; throws an EventFormatException when it never can. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(ConsumerRecord<String, String> record);
    }

    /** Applies a batch of parsed records, in partition order, in one transaction: all of it or nothing. */
    @FunctionalInterface
    public interface Handler<T> {
        void apply(List<T> batch);
    }

    /**
     * What a consumer is.
     *
     * @param name        a short name for logs, metrics and the thread (e.g. "usage-events")
     * @param topic       the topic read
     * @param groupId     the consumer group
     * @param kafka       the Kafka client settings shared by the service (bootstrap servers, security)
     * @param maxBatch    at most this many records a poll, so a batch
     * @param minBackoff  the first wait after a failure
     * @param maxBackoff  the longest wait between attempts
     * @param dataAttempts how often a single record the database refuses is tried before it is dead-lettered
     * @param sessionTimeout how long the group waits for a consumer that stopped answering
     */
    public record Settings(String name, String topic, String groupId, Map<String, Object> kafka, int maxBatch,
                           Duration minBackoff, Duration maxBackoff, int dataAttempts, Duration sessionTimeout) {
    }

    private record Parsed<T>(ConsumerRecord<String, String> record, T value) {
    }

    private final Settings settings;
    private final MessageTracing tracing;
    private final Parser<T> parser;
    private final Handler<T> handler;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Counter applied;
    private final Counter deadLettered;
    private final Counter failedAttempts;
    private final DistributionSummary batchSizes;
    private final Timer batchTimes;

    private volatile boolean running = true;
    private volatile Instant stalledSince;
    private volatile String lastFailure;
    private volatile KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> deadLetterProducer;
    /** The spans of the batch in hand (only the consumer's thread touches them). */
    private BatchSpans spans = BatchSpans.none();

    private BatchConsumer(Settings settings, MessageTracing tracing, Parser<T> parser, Handler<T> handler,
                          MeterRegistry registry) {
        this.settings = settings;
        this.tracing = tracing;
        this.parser = parser;
        this.handler = handler;
        String name = settings.name();
        this.applied = Counter.builder("apimeter.consumer.records").tag("consumer", name).tag("result", "applied")
                .description("Records applied: their transaction committed").register(registry);
        this.deadLettered = Counter.builder("apimeter.consumer.dead.letters").tag("consumer", name)
                .description("Records that can never be processed, written to the dead-letter topic")
                .register(registry);
        this.failedAttempts = Counter.builder("apimeter.consumer.stalls").tag("consumer", name)
                .description("Failed attempts to apply a batch; each is retried, never skipped").register(registry);
        Gauge.builder("apimeter.consumer.stalled.seconds", this, c -> c.stalledSeconds()).tag("consumer", name)
                .description("How long the consumer has been retrying its current batch (0: not stalled)")
                .register(registry);
        this.batchSizes = DistributionSummary.builder("apimeter.consumer.batch.size").tag("consumer", name)
                .description("Records a batch").register(registry);
        this.batchTimes = Timer.builder("apimeter.consumer.batch.duration").tag("consumer", name)
                .description("From a poll's return to the batch's commit").register(registry);
        this.thread = new Thread(this::run, "consumer-" + name);
    }

    /** Starts a consumer on a thread of its own, without tracing. */
    public static <T> BatchConsumer<T> start(Settings settings, Parser<T> parser, Handler<T> handler,
                                             MeterRegistry registry) {
        return start(settings, MessageTracing.off(), parser, handler, registry);
    }

    /**
     * Starts a consumer on a thread of its own. With tracing on, each batch gets its spans ({@link BatchSpans}):
     * the trace of each record's publisher goes on into the transaction that applies it.
     */
    public static <T> BatchConsumer<T> start(Settings settings, MessageTracing tracing, Parser<T> parser,
                                             Handler<T> handler, MeterRegistry registry) {
        BatchConsumer<T> consumer = new BatchConsumer<>(settings, tracing, parser, handler, registry);
        consumer.thread.start();
        return consumer;
    }

    public String name() {
        return settings.name();
    }

    /** Whether the current batch has failed and is being retried. */
    public boolean stalled() {
        return stalledSince != null;
    }

    /** Why the current batch failed last, or null. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Whether the loop has ended (stopped, or failed to start). */
    public boolean finished() {
        return finished.getCount() == 0;
    }

    private double stalledSeconds() {
        Instant since = stalledSince;
        return since == null ? 0 : Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    /**
     * Stops taking records and waits up to {@code timeout} for the batch in hand to be finished or abandoned;
     * true when the loop has ended.
     */
    public boolean stop(Duration timeout) {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finished();
        }
    }

    private void run() {
        KafkaConsumer<String, String> kafkaConsumer = null;
        try {
            kafkaConsumer = new KafkaConsumer<>(consumerConfig());
            deadLetterProducer = new KafkaProducer<>(producerConfig());
            consumer = kafkaConsumer;
            kafkaConsumer.subscribe(List.of(settings.topic()), new PauseWhileStalled());
            LOG.infof("consumer %s reads %s as group %s", settings.name(), settings.topic(), settings.groupId());
            while (running) {
                ConsumerRecords<String, String> records;
                try {
                    records = kafkaConsumer.poll(POLL);
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) {
                    long started = System.nanoTime();
                    try {
                        if (handle(records)) {
                            batchTimes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        }
                    } catch (WakeupException e) {
                        break;
                    } catch (RuntimeException e) {
                        // Whatever went wrong, the batch is read again from its first record, never skipped.
                        LOG.errorf(e, "consumer %s: a batch failed unexpectedly; reading it again", settings.name());
                        rewind(records);
                        pauseFor(settings.maxBackoff());
                        kafkaConsumer.resume(kafkaConsumer.assignment());
                    }
                }
            }
        } catch (WakeupException e) {
            // stopped while closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "consumer %s ended unexpectedly", settings.name());
        } finally {
            close(kafkaConsumer);
            consumer = null;
            finished.countDown();
            LOG.infof("consumer %s stopped", settings.name());
        }
    }

    /** Moves each partition of a batch back to the batch's first record there. */
    private void rewind(ConsumerRecords<String, String> records) {
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    /** Applies and commits one poll's records, within the batch's spans; false when stopped before the commit. */
    private boolean handle(ConsumerRecords<String, String> records) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>(records.count());
        records.forEach(all::add);
        batchSizes.record(all.size());
        spans = BatchSpans.start(tracing, settings, all);
        String failure = "stopped before the commit; read again at the next start";
        try (Scope current = spans.makeCurrent()) {
            boolean done = handleBatch(all);
            if (done) {
                failure = null;
            }
            return done;
        } catch (RuntimeException e) {
            failure = RecordFailures.describe(e);
            throw e;
        } finally {
            spans.end(failure);
            spans = BatchSpans.none();
        }
    }

    private boolean handleBatch(List<ConsumerRecord<String, String>> all) {
        List<Parsed<T>> parsed = new ArrayList<>(all.size());
        List<ConsumerRecord<String, String>> poison = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<String, String> record : all) {
            try {
                parsed.add(new Parsed<>(record, parser.parse(record)));
            } catch (RuntimeException e) {
                // Parsing reads nothing but the record, so a record it fails on fails the same way every time.
                poison.add(record);
                reasons.add(RecordFailures.describe(e));
            }
        }
        for (int i = 0; i < poison.size(); i++) {
            if (!deadLetter(poison.get(i), reasons.get(i))) {
                return false;
            }
        }
        if (!applyBatch(parsed)) {
            return false;
        }
        return commit(all);
    }

    /** The whole batch in one transaction; when the database refuses some record's data, record by record. */
    private boolean applyBatch(List<Parsed<T>> parsed) {
        if (parsed.isEmpty()) {
            return true;
        }
        List<T> values = parsed.stream().map(Parsed::value).toList();
        Outcome outcome = attempt(() -> handler.apply(values), parsed.size() > 1 ? 1 : settings.dataAttempts());
        if (outcome == Outcome.DONE) {
            applied.increment(parsed.size());
            return true;
        }
        if (outcome == Outcome.STOPPED) {
            return false;
        }
        if (parsed.size() == 1) {
            String reason = lastFailure;
            lastFailure = null;
            return deadLetter(parsed.get(0).record(), reason);
        }
        LOG.warnf("consumer %s: the database refused a record of a batch of %d (%s); applying them one by one",
                settings.name(), parsed.size(), lastFailure);
        for (Parsed<T> one : parsed) {
            if (!applyBatch(List.of(one))) {
                return false;
            }
        }
        return true;
    }

    private enum Outcome {
        DONE, DATA_REFUSED, STOPPED
    }

    /**
     * Runs {@code action} until it succeeds, waiting out every failure but a data one, which ends the attempts
     * after {@code dataAttempts}.
     */
    private Outcome attempt(Runnable action, int dataAttempts) {
        Duration backoff = settings.minBackoff();
        int dataFailures = 0;
        while (true) {
            if (!running) {
                return Outcome.STOPPED;
            }
            try {
                action.run();
                recovered();
                return Outcome.DONE;
            } catch (RuntimeException e) {
                if (!running) {
                    LOG.infof("consumer %s stopping; its batch is left to be read again (%s)", settings.name(),
                            RecordFailures.describe(e));
                    return Outcome.STOPPED;
                }
                RecordFailures.Kind kind = RecordFailures.classify(e);
                lastFailure = RecordFailures.describe(e);
                failedAttempts.increment();
                if (kind == RecordFailures.Kind.DATA && ++dataFailures >= dataAttempts) {
                    String reason = lastFailure;
                    recovered();
                    lastFailure = reason;
                    return Outcome.DATA_REFUSED;
                }
                if (stalledSince == null) {
                    stalledSince = Instant.now();
                }
                LOG.warnf("consumer %s: applying a batch failed (%s, %s); retrying in %d ms, the offset stays", settings.name(),
                        kind, lastFailure, backoff.toMillis());
                spans.retrying(kind + ": " + lastFailure);
                if (!pauseFor(backoff)) {
                    return Outcome.STOPPED;
                }
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(settings.maxBackoff()) > 0) {
                    backoff = settings.maxBackoff();
                }
            }
        }
    }

    private void recovered() {
        if (stalledSince != null) {
            LOG.infof("consumer %s resumed after %d ms", settings.name(),
                    Duration.between(stalledSince, Instant.now()).toMillis());
            stalledSince = null;
            lastFailure = null;
            consumer.resume(consumer.assignment());
        }
    }

    /**
     * Waits, with every partition paused, while polling so the consumer stays in its group (a long database
     * outage must not make it miss {@code max.poll.interval.ms}); false when stopped meanwhile.
     */
    private boolean pauseFor(Duration wait) {
        consumer.pause(consumer.assignment());
        try {
            ConsumerRecords<String, String> none = consumer.poll(wait);
            if (!none.isEmpty()) {
                throw new IllegalStateException("records of paused partitions were returned");
            }
        } catch (WakeupException e) {
            return false;
        } catch (KafkaException e) {
            LOG.warnf("consumer %s: polling while paused failed: %s", settings.name(), e.getMessage());
        }
        return running;
    }

    /** Writes a record that can never be processed to the dead-letter topic, waiting out a missing broker. */
    private boolean deadLetter(ConsumerRecord<String, String> record, String reason) {
        String topic = DeadLetterHeaders.topicFor(record.topic());
        ProducerRecord<String, String> letter = new ProducerRecord<>(topic, null, record.key(), record.value());
        for (Header header : record.headers()) {
            if (!header.key().startsWith("apimeter-dlq-")) {
                letter.headers().add(header);
            }
        }
        letter.headers().add(DeadLetterHeaders.GROUP, bytes(settings.groupId()))
                .add(DeadLetterHeaders.REASON, bytes(reason))
                .add(DeadLetterHeaders.TOPIC, bytes(record.topic()))
                .add(DeadLetterHeaders.PARTITION, bytes(String.valueOf(record.partition())))
                .add(DeadLetterHeaders.OFFSET, bytes(String.valueOf(record.offset())))
                .add(DeadLetterHeaders.TIME, bytes(Instant.now().toString()));
        Outcome outcome = attempt(() -> {
            try {
                deadLetterProducer.send(letter).get(KAFKA_CALL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dead-lettering", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new KafkaException("the dead-letter topic " + topic + " did not take the record", e);
            }
        }, Integer.MAX_VALUE);
        if (outcome != Outcome.DONE) {
            return false;
        }
        deadLettered.increment();
        spans.deadLettered(record, reason);
        LOG.warnf("consumer %s: record %s-%d@%d can never be processed and went to %s: %s", settings.name(),
                record.topic(), record.partition(), record.offset(), topic, reason);
        return true;
    }

    /** Commits the offsets after the batch, for the partitions still assigned; waits out a missing broker. */
    private boolean commit(List<ConsumerRecord<String, String>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        Outcome outcome = attempt(() -> {
            Set<TopicPartition> assigned = consumer.assignment();
            offsets.keySet().retainAll(assigned);
            if (offsets.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(offsets, KAFKA_CALL);
            } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
                // The group moved the partitions on: their new owner reads them from the last commit and finds the
                // events applied already.
                LOG.infof("consumer %s: partitions moved to another member before the commit; it reads them again",
                        settings.name());
            }
        }, Integer.MAX_VALUE);
        return outcome == Outcome.DONE;
    }

    private void close(KafkaConsumer<String, String> kafkaConsumer) {
        try {
            if (kafkaConsumer != null) {
                kafkaConsumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(CLOSE));
            }
            if (deadLetterProducer != null) {
                deadLetterProducer.close(CLOSE);
            }
        } catch (RuntimeException e) {
            LOG.debugf("consumer %s: closing its clients: %s", settings.name(), e.getMessage());
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(settings.kafka());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-" + settings.name());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatch());
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.sessionTimeout().toMillis() / 3);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return config;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(settings.kafka());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-" + settings.name() + "-dlq");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Partitions assigned while a batch is being retried stay paused until it is through. */
    private final class PauseWhileStalled implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // nothing held back: a batch is committed before the next poll, or read again by the new owner
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (stalledSince != null) {
                consumer.pause(partitions);
            }
        }
    }
}
