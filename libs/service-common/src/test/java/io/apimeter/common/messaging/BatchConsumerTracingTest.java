package io.apimeter.common.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.EventFormatException;
import io.apimeter.testkit.EmbeddedKafka;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.KafkaTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batch consumer's spans against a real broker: a record's trace goes on into the batch that applies it, as a
 * child when the batch holds that record alone, as a link of the batch span and a child span of its own otherwise.
 */
class BatchConsumerTracingTest {
    private static EmbeddedKafka kafka;
    private static KafkaTestClient client;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final MessageTracing tracing = MessageTracing.of(OpenTelemetrySdk.builder()
            .setTracerProvider(tracerProvider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build());
    private final List<BatchConsumer<?>> started = new ArrayList<>();
    private String topic;
    private String group;

    @BeforeAll
    static void startBroker() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "batch-tracing-kafka");
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
        topic = "traced-" + UUID.randomUUID();
        group = "group-" + UUID.randomUUID();
        // one partition: records sent before the consumer starts come in one poll, so in one batch
        kafka.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1),
                new NewTopic(DeadLetterHeaders.topicFor(topic), 1, (short) 1))).all().get();
    }

    @AfterEach
    void stopConsumers() {
        started.forEach(c -> c.stop(Duration.ofSeconds(10)));
        tracerProvider.close();
    }

    private void start(MessageTracing with, BatchConsumer.Handler<String> handler) {
        started.add(BatchConsumer.start(new BatchConsumer.Settings("test", topic, group,
                        Map.of("bootstrap.servers", kafka.bootstrapServers()), 500, Duration.ofMillis(50),
                        Duration.ofMillis(400), 3, Duration.ofSeconds(10)),
                with, BatchConsumerTracingTest::value, handler, new SimpleMeterRegistry()));
    }

    private static String value(ConsumerRecord<String, String> record) {
        if (record.value().startsWith("{bad")) {
            throw new EventFormatException("not an event: unreadable JSON");
        }
        return record.value();
    }

    /** Sends a record as a publisher would: its CloudEvents id and the context of a PRODUCER span of its own. */
    private SpanContext sendTraced(String key, String value) {
        Span producer = tracing.startPublish(topic, "id-" + value, key, Context.root());
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_id", ("id-" + value).getBytes(StandardCharsets.UTF_8));
        tracing.inject(Context.root().with(producer), headers);
        producer.end();
        Map<String, String> text = new LinkedHashMap<>();
        headers.forEach((name, bytes) -> text.put(name, new String(bytes, StandardCharsets.UTF_8)));
        client.send(topic, key, value, text);
        return producer.getSpanContext();
    }

    private List<SpanData> processSpans() {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(topic + " process")).toList();
    }

    @Test
    void shouldContinueTheRecordsTraceWhenTheBatchHoldsItAlone() {
        List<SpanContext> current = new CopyOnWriteArrayList<>();
        SpanContext producer = sendTraced("c-1", "one");
        start(tracing, batch -> current.add(Span.current().getSpanContext()));

        await().atMost(Duration.ofSeconds(30)).until(() -> processSpans().size() == 1);
        SpanData process = processSpans().get(0);
        assertEquals(SpanKind.CONSUMER, process.getKind());
        assertEquals(producer.getTraceId(), process.getTraceId(), "one trace from the publisher into the consumer");
        assertEquals(producer.getSpanId(), process.getParentSpanId());
        assertEquals(group, process.getAttributes().asMap().get(
                io.opentelemetry.api.common.AttributeKey.stringKey(MessageTracing.GROUP)));
        assertEquals("id-one", process.getAttributes().get(
                io.opentelemetry.api.common.AttributeKey.stringKey(MessageTracing.MESSAGE_ID)));
        assertEquals("c-1", process.getAttributes().get(
                io.opentelemetry.api.common.AttributeKey.stringKey(MessageTracing.MESSAGE_KEY)));
        assertEquals(List.of(process.getSpanContext()), current, "the handler's transaction runs in the span");
        assertFalse(process.getAttributes().asMap().values().stream().anyMatch(v -> v.toString().contains("one")
                && !v.toString().equals("id-one")), "no record value in an attribute");
    }

    @Test
    void shouldLinkEveryRecordOfABatchAndGiveEachTracedRecordAChildSpan() {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        List<SpanContext> current = new CopyOnWriteArrayList<>();
        SpanContext first = sendTraced("c-1", "one");
        SpanContext second = sendTraced("c-2", "two");
        client.send(topic, "c-3", "untraced", Map.of("ce_id", "id-untraced"));
        SpanContext third = sendTraced("c-1", "three");
        start(tracing, batch -> {
            sizes.add(batch.size());
            current.add(Span.current().getSpanContext());
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> processSpans().size() == 4);
        assertEquals(List.of(4), sizes, "the four records came in one batch");
        SpanData batch = processSpans().stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst()
                .orElseThrow();
        assertEquals(4L, batch.getAttributes().get(
                io.opentelemetry.api.common.AttributeKey.longKey(MessageTracing.BATCH_COUNT)));
        assertEquals(List.of(first, second, third).stream().map(SpanContext::getSpanId).toList(),
                batch.getLinks().stream().map(LinkData::getSpanContext).map(SpanContext::getSpanId).toList(),
                "a link to each record's context, in order");
        assertEquals(List.of(batch.getSpanContext()), current, "the handler's transaction runs in the batch span");
        for (SpanContext producer : List.of(first, second, third)) {
            SpanData own = processSpans().stream().filter(s -> s.getTraceId().equals(producer.getTraceId()))
                    .findFirst().orElseThrow(() -> new AssertionError("no span in the trace of " + producer));
            assertEquals(producer.getSpanId(), own.getParentSpanId());
            assertEquals(SpanKind.CONSUMER, own.getKind());
            assertEquals(List.of(batch.getSpanContext().getSpanId()),
                    own.getLinks().stream().map(l -> l.getSpanContext().getSpanId()).toList());
            assertTrue(own.getEndEpochNanos() >= batch.getStartEpochNanos());
        }
    }

    @Test
    void shouldMarkADeadLetteredRecordsSpanAndKeepItsContextInTheDeadLetter() {
        SpanContext producer = sendTraced("c-1", "{bad json");
        start(tracing, batch -> { });

        await().atMost(Duration.ofSeconds(30)).until(() -> processSpans().size() == 1);
        SpanData process = processSpans().get(0);
        assertEquals(producer.getSpanId(), process.getParentSpanId());
        assertEquals(StatusCode.ERROR, process.getStatus().getStatusCode());
        assertTrue(process.getEvents().stream().anyMatch(e -> e.getName().equals("dead-lettered")));
        List<ConsumerRecord<String, String>> dead = client.read(DeadLetterHeaders.topicFor(topic), r -> true,
                l -> !l.isEmpty(), Duration.ofSeconds(10));
        String traceparent = KafkaTestClient.header(dead.get(0), MessageTracing.TRACEPARENT);
        assertNotNull(traceparent, "the dead letter keeps the record's headers, its trace context too");
        assertTrue(traceparent.contains(producer.getTraceId()) && traceparent.contains(producer.getSpanId()));
    }

    @Test
    void shouldMakeNoSpanWhenTracingIsOff() {
        List<SpanContext> current = new CopyOnWriteArrayList<>();
        List<String> applied = new CopyOnWriteArrayList<>();
        sendTraced("c-1", "one");
        start(MessageTracing.off(), batch -> {
            applied.addAll(batch);
            current.add(Span.current().getSpanContext());
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> applied.size() == 1);
        assertEquals(List.of(SpanContext.getInvalid()), current);
        assertEquals(List.of(), processSpans());
    }
}
