package io.apimeter.e2e;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apimeter.e2e.OtlpReceiver.ReceivedSpan;
import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.SimulatorOptions;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One metered call, traced from the gateway's HTTP server span through Kafka into the usage recorder's processing of
 * its event, as a collector receives it: the packaged gateway and usage recorder run as processes with tracing on
 * (OTLP/HTTP, protobuf) towards a receiver in this JVM, against the test kit's Kafka and PostgreSQL and the provider
 * simulator. The recorder logs JSON lines, as in a container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String PUBLISH = "usage-events publish";
    private static final String PROCESS = "usage-events process";

    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private ProviderSimulator simulator;
    private OtlpReceiver receiver;

    @BeforeAll
    void startServices() {
        Path root = ServiceEnvironment.root();
        Path logs = root.resolve("e2e-tests/target/e2e-logs/tracing");
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        simulator = ProviderSimulator.start(SimulatorOptions.defaults());
        receiver = OtlpReceiver.start();

        Map<String, String> traced = ServiceEnvironment.traced(
                ServiceEnvironment.common(infrastructure.kafkaBootstrapServers()), receiver.endpoint());
        var db = infrastructure.postgres();
        Map<String, String> recorder = ServiceEnvironment.service(traced, db.recreateDatabase("tracing_recorder"));
        recorder.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        // its note about an event recorded before is written within the batch's span: a JSON line with the trace id
        recorder.put("QUARKUS_LOG_CATEGORY__IO_APIMETER_RECORDER__LEVEL", "DEBUG");
        services.put("gateway-service", new ServiceProcess(root, "gateway-service", FreePorts.next(),
                ServiceEnvironment.gateway(traced, db.recreateDatabase("tracing_gateway"), simulator.openAiBaseUrl(),
                        root.resolve("e2e-tests/target/gateway-spool-" + UUID.randomUUID())), logs));
        services.put("usage-recorder-service", new ServiceProcess(root, "usage-recorder-service", FreePorts.next(),
                recorder, logs));
        services.values().forEach(ServiceProcess::start);
        services.values().forEach(s -> s.awaitReady(Duration.ofMinutes(3)));
    }

    @AfterAll
    void stopServices() {
        services.values().forEach(ServiceProcess::stop);
        if (simulator != null) {
            simulator.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void shouldShowOneTraceFromTheGatewaysCallIntoTheRecordersProcessingOfItsEvent() throws IOException {
        String customer = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        String providerKey = "sk-trace-" + UUID.randomUUID();
        String apiKey = onboard(customer, providerKey);

        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + apiKey)
                .header("x-sim-prompt-tokens", 120).header("x-sim-completion-tokens", 30)
                .body("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(url("gateway-service") + "/openai/v1/chat/completions").then().statusCode(200);
        String eventId = await().atMost(PATIENCE).until(() -> asAdmin()
                .get(url("usage-recorder-service") + "/usage-logs?customerId={c}", customer)
                .then().statusCode(200).extract().jsonPath().getList("items.eventId", String.class), l -> l.size() == 1)
                .get(0);

        // the gateway: its server span, the parent of the PRODUCER span of the call's event
        ReceivedSpan producer = await().atMost(PATIENCE).until(() -> find(s -> s.service().equals("gateway-service")
                && s.name().equals(PUBLISH) && eventId.equals(s.attribute("messaging.message.id"))), Optional::isPresent)
                .orElseThrow();
        assertEquals(SpanKind.SPAN_KIND_PRODUCER, producer.kind());
        assertEquals(customer, producer.attribute("apimeter.customer_id"));
        assertEquals("OPENAI", producer.attribute("apimeter.provider"));
        assertEquals("gpt-4", producer.attribute("apimeter.model"));
        assertEquals("SUCCESS", producer.attribute("apimeter.outcome"));
        ReceivedSpan server = await().atMost(PATIENCE).until(() -> find(s -> s.spanId().equals(producer.parentSpanId())),
                Optional::isPresent).orElseThrow();
        assertEquals("gateway-service", server.service());
        assertEquals(SpanKind.SPAN_KIND_SERVER, server.kind(), "the producer's parent is the call's server span");
        assertTrue(server.isRoot(), "the client sent no trace context: the call starts the trace");
        assertEquals(producer.traceId(), server.traceId());
        assertTrue(server.name().contains("/openai/v1/chat/completions"), server.name());

        // the recorder: the processing of that very event, in the same trace, child of the producer span
        ReceivedSpan process = await().atMost(PATIENCE).until(() -> find(s -> s.service().equals("usage-recorder-service")
                && s.name().equals(PROCESS) && s.traceId().equals(producer.traceId())), Optional::isPresent).orElseThrow();
        assertEquals(SpanKind.SPAN_KIND_CONSUMER, process.kind());
        assertEquals(producer.spanId(), process.parentSpanId(), "the recorder's span continues the producer's");
        assertEquals(eventId, process.attribute("messaging.message.id"));
        assertEquals("usage-recorder-service", process.attribute("messaging.consumer.group.name"));
        if (process.attribute("messaging.batch.message_count") == null) {
            assertTrue(process.linkedSpanIds().isEmpty(), "a batch of one is the record's child, nothing to link");
        } else {
            // several records in the batch: this is the record's own span, linked to the batch's span
            assertEquals(1, process.linkedSpanIds().size());
        }

        assertNoKeyInAnySpan(List.of(apiKey, apiKey.substring(13), providerKey));
        assertEquals(List.of(), receiver.refused(), "every export was OTLP/HTTP protobuf");
        assertJsonLogLinesCarryTheTrace(customer, producer.traceId());
    }

    /** No span of either service holds the platform API key, its secret part or the provider key anywhere. */
    private void assertNoKeyInAnySpan(List<String> secrets) {
        List<ReceivedSpan> all = receiver.spans();
        assertTrue(all.size() >= 3, "spans received: " + all.size());
        for (ReceivedSpan span : all) {
            for (String text : span.texts()) {
                for (String secret : secrets) {
                    assertFalse(text.contains(secret), "a key in span " + span.name() + " of " + span.service());
                }
            }
        }
    }

    /**
     * The recorder writes JSON lines (QUARKUS_LOG_CONSOLE_JSON_ENABLED=true) and the gateway plain text (the default).
     * The event sent again is recorded before: the recorder's note about it, written in the batch's span, carries the
     * call's trace id in its mdc.
     */
    private void assertJsonLogLinesCarryTheTrace(String customer, String traceId) throws IOException {
        try (KafkaTestClient kafka = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            ConsumerRecord<String, String> record = kafka.readKey("usage-events", customer, l -> !l.isEmpty(), PATIENCE)
                    .get(0);
            Map<String, String> headers = new LinkedHashMap<>();
            record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            kafka.send("usage-events", record.key(), record.value(), headers);
        }
        ObjectMapper json = new ObjectMapper();
        Path recorderLog = services.get("usage-recorder-service").log();
        // the log file is appended to by every run: the note of this run is the one naming this call's trace
        JsonNode note = await().atMost(PATIENCE).until(() -> Files.readAllLines(recorderLog).stream()
                .filter(line -> line.contains("recorded before")).map(line -> read(json, line))
                .filter(line -> traceId.equals(line.path("mdc").path("traceId").asText())).findFirst(),
                Optional::isPresent).orElseThrow();
        assertEquals("DEBUG", note.path("level").asText());
        assertEquals("consumer-usage-events", note.path("threadName").asText(), "written by the batch consumer");
        assertFalse(note.path("mdc").path("spanId").asText().isEmpty(), "the span id too: " + note);
        long jsonLines = Files.readAllLines(recorderLog).stream().filter(line -> line.startsWith("{")).count();
        assertTrue(jsonLines > 5, "the recorder logs JSON lines: " + jsonLines);
        assertTrue(Files.readAllLines(services.get("gateway-service").log()).stream()
                .noneMatch(line -> line.startsWith("{\"timestamp\"")), "the gateway logs plain text by default");
    }

    private static JsonNode read(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }

    private Optional<ReceivedSpan> find(java.util.function.Predicate<ReceivedSpan> which) {
        return receiver.spans().stream().filter(which).findFirst();
    }

    private String onboard(String customer, String providerKey) {
        String gateway = url("gateway-service");
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", customer, "name", "Traced " + customer, "email", customer + "@customer.test"))
                .post(gateway + "/admin/customers").then().statusCode(201);
        String apiKey = asAdmin().contentType(ContentType.JSON).body("{}")
                .post(gateway + "/admin/customers/{id}/api-keys", customer).then().statusCode(201)
                .extract().path("key");
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", providerKey))
                .put(gateway + "/admin/customers/{id}/credentials/openai", customer).then().statusCode(200);
        return apiKey;
    }

    private String url(String service) {
        return services.get(service).url();
    }
}
