package io.apimeter.gateway.messaging;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.common.messaging.MessageTracing;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.InMemorySpans;
import io.apimeter.gateway.SimulatorTestResource;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, every usage event leaves the gateway with the context of a PRODUCER span child of the call's
 * server span, in its {@code traceparent} header, and keeps it while it waits in the spool for the broker.
 */
@QuarkusTest
@TestProfile(InMemorySpans.TracingOn.class)
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class UsageEventTracingTest {
    private static final String PUBLISH = "usage-events publish";

    @Inject
    UsageEventPublisher publisher;

    @Inject
    InMemorySpanExporter spans;

    private record Customer(String id, String apiKey, String providerKey) {
    }

    @Test
    void shouldPublishEachEventWithTheContextOfAProducerSpanChildOfTheCallsServerSpan() {
        Customer customer = newCustomer();
        call(customer);

        ConsumerRecord<String, String> record = readEvents(customer, 1).get(0);
        UsageEvent event = EventJson.readUsageEvent(record.value());
        Traceparent carried = Traceparent.of(KafkaTestClient.header(record, MessageTracing.TRACEPARENT));
        SpanData producer = awaitProducerSpan(event);
        assertEquals(SpanKind.PRODUCER, producer.getKind());
        assertEquals(producer.getTraceId(), carried.traceId(), "the record carries the producer span's context");
        assertEquals(producer.getSpanId(), carried.spanId());
        assertTrue(carried.sampled());
        SpanData server = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(producer.getParentSpanId())).findFirst()
                .orElseThrow(() -> new AssertionError("no span is the parent of " + producer));
        assertEquals(SpanKind.SERVER, server.getKind(), "the parent is the call's server span: " + server.getName());
        assertEquals(producer.getTraceId(), server.getTraceId());
        assertEquals(customer.id(), producer.getAttributes().get(AttributeKey.stringKey("apimeter.customer_id")));
        assertEquals("OPENAI", producer.getAttributes().get(AttributeKey.stringKey("apimeter.provider")));
        assertEquals("gpt-4", producer.getAttributes().get(AttributeKey.stringKey("apimeter.model")));
        assertEquals("SUCCESS", producer.getAttributes().get(AttributeKey.stringKey("apimeter.outcome")));
        assertEquals("usage-events", producer.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")));
        assertNoSecretIn(List.of(server, producer), customer);
    }

    @Test
    void shouldKeepTheCallsContextWithTheSpooledEventThroughABrokerOutage() {
        Customer customer = newCustomer();
        await().atMost(Duration.ofSeconds(30)).until(() -> publisher.spool().waiting() == 0);
        SpoolSender.Transport kafka = publisher.sender().transport();
        AtomicInteger refused = new AtomicInteger();
        try {
            publisher.sender().useTransport(record -> {
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(new TimeoutException("the broker is away"));
            });
            call(customer);
            await().atMost(Duration.ofSeconds(10)).until(() -> refused.get() >= 1);
            assertEquals(1, publisher.spool().waiting(), "the event waits in the spool");
        } finally {
            publisher.sender().useTransport(kafka);
        }

        ConsumerRecord<String, String> record = readEvents(customer, 1).get(0);
        UsageEvent event = EventJson.readUsageEvent(record.value());
        SpanData producer = awaitProducerSpan(event);
        Traceparent carried = Traceparent.of(KafkaTestClient.header(record, MessageTracing.TRACEPARENT));
        assertEquals(producer.getTraceId(), carried.traceId(), "sent after the outage, with the call's context");
        assertEquals(producer.getSpanId(), carried.spanId());
        assertEquals(1, countHeaders(record, MessageTracing.TRACEPARENT), "exactly one traceparent");
    }

    private static int countHeaders(ConsumerRecord<String, String> record, String name) {
        int count = 0;
        for (var ignored : record.headers().headers(name)) {
            count++;
        }
        return count;
    }

    private SpanData awaitProducerSpan(UsageEvent event) {
        String id = event.eventId().toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(s -> s.getName().equals(PUBLISH) && id.equals(messageId(s))));
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(PUBLISH) && id.equals(messageId(s))).findFirst().orElseThrow();
    }

    private static String messageId(SpanData span) {
        return span.getAttributes().get(AttributeKey.stringKey("messaging.message.id"));
    }

    /** No attribute of these spans holds the platform API key (or its secret part) or the provider key. */
    private static void assertNoSecretIn(List<SpanData> traced, Customer customer) {
        List<String> secrets = List.of(customer.apiKey(), customer.apiKey().substring(13), customer.providerKey());
        for (SpanData span : traced) {
            span.getAttributes().forEach((key, value) -> {
                for (String secret : secrets) {
                    assertFalse(String.valueOf(value).contains(secret), "a key in attribute " + key + " of "
                            + span.getName());
                }
            });
        }
    }

    private static List<ConsumerRecord<String, String>> readEvents(Customer customer, int count) {
        try (KafkaTestClient client = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            List<ConsumerRecord<String, String>> records = client.readKey("usage-events", customer.id(),
                    found -> found.size() >= count, Duration.ofSeconds(30));
            assertEquals(count, records.size());
            return records;
        }
    }

    private static void call(Customer customer) {
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + customer.apiKey())
                .body("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/openai/v1/chat/completions")
                .then().statusCode(200);
    }

    private static Customer newCustomer() {
        String customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", customerId, "name", "Traced " + customerId, "email", customerId + "@example.com"))
                .post("/admin/customers").then().statusCode(201);
        String key = asAdmin().contentType(ContentType.JSON).body("{}")
                .post("/admin/customers/{id}/api-keys", customerId).then().statusCode(201).extract().path("key");
        String providerKey = "sk-own-" + UUID.randomUUID();
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", providerKey))
                .put("/admin/customers/{id}/credentials/openai", customerId).then().statusCode(200);
        return new Customer(customerId, key, providerKey);
    }

    /** A W3C traceparent header: {@code 00-<trace id>-<span id>-<flags>}. */
    private record Traceparent(String traceId, String spanId, boolean sampled) {
        static Traceparent of(String header) {
            assertNotNull(header, "the record has no traceparent header");
            String[] parts = header.split("-");
            assertEquals(4, parts.length, header);
            assertEquals("00", parts[0], header);
            return new Traceparent(parts[1], parts[2], parts[3].equals("01"));
        }
    }
}
