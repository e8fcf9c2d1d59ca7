package io.apimeter.gateway.messaging;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.SimulatorTestResource;
import io.apimeter.spool.SpoolRecord;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The gateway keeps answering and keeps every usage event while Kafka cannot take them. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class UsageEventsWithoutKafkaTest {
    private static final String PUBLISHED = "apimeter_gateway_usage_events_total{result=\"published\"}";
    private static final String SPOOLED = "apimeter_gateway_usage_events_total{result=\"spooled\"}";
    private static final String FAILED = "apimeter_gateway_usage_events_total{result=\"failed\"}";
    private static final String WAITING = "apimeter_gateway_usage_events_waiting";

    @Inject
    UsageEventPublisher publisher;

    /** A real Kafka producer pointed at a port where no broker listens: every send fails as it would in production. */
    private static final class AbsentBroker implements SpoolSender.Transport, AutoCloseable {
        final AtomicInteger refused = new AtomicInteger();
        final KafkaProducer<String, String> producer;

        AbsentBroker() throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 300,
                    ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 1000),
                    new StringSerializer(), new StringSerializer());
        }

        @Override
        public CompletableFuture<Void> send(SpoolRecord record) {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            try {
                producer.send(new ProducerRecord<>("usage-events", record.key(),
                                new String(record.value(), StandardCharsets.UTF_8)),
                        (metadata, error) -> {
                            if (error == null) {
                                acked.complete(null);
                            } else {
                                refused.incrementAndGet();
                                acked.completeExceptionally(error);
                            }
                        });
            } catch (RuntimeException e) {
                refused.incrementAndGet();
                acked.completeExceptionally(e);
            }
            return acked;
        }

        @Override
        public void close() {
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void shouldAnswerCallsAndKeepTheirEventsWhileKafkaCannotTakeThemAndSendThemInOrderWhenItCan() throws IOException {
        Customer customer = newCustomer();
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(WAITING) == 0);
        double spooled = metric(SPOOLED);
        double published = metric(PUBLISHED);
        double failed = metric(FAILED);

        SpoolSender.Transport kafka = publisher.sender().transport();
        try (AbsentBroker absent = new AbsentBroker()) {
            publisher.sender().useTransport(absent);
            for (int i = 0; i < 5; i++) {
                given().contentType(ContentType.JSON).header("Authorization", "Bearer " + customer.apiKey())
                        .header("x-sim-prompt-tokens", String.valueOf(100 + i))
                        .body("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .post("/openai/v1/chat/completions")
                        .then().statusCode(200);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> absent.refused.get() >= 1);
            assertEquals(spooled + 5, metric(SPOOLED));
            assertEquals(5, metric(WAITING));
            assertEquals(published, metric(PUBLISHED), "nothing reached a broker");
        } finally {
            publisher.sender().useTransport(kafka);
        }

        List<ConsumerRecord<String, String>> records;
        try (KafkaTestClient client = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            records = client.readKey("usage-events", customer.id(), found -> found.size() >= 5, Duration.ofSeconds(30));
        }
        List<UsageEvent> events = records.stream().map(r -> EventJson.readUsageEvent(r.value())).toList();
        assertEquals(5, events.size());
        for (int i = 0; i < 5; i++) {
            // key and CloudEvents headers come from the spool record, as publish() wrote them
            assertEquals(events.get(i).eventId().toString(), KafkaTestClient.header(records.get(i), "ce_id"));
            assertEquals(customer.id(), KafkaTestClient.header(records.get(i), "ce_subject"));
            assertEquals(UsageEvent.TYPE, KafkaTestClient.header(records.get(i), "ce_type"));
        }
        assertEquals(events.stream().sorted(Comparator.comparing(UsageEvent::occurredAt)).toList(), events,
                "sent in the order of the calls");
        for (int i = 0; i < 5; i++) {
            assertEquals(100 + i, events.get(i).usage().inputTokens());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(WAITING) == 0);
        assertEquals(published + 5, metric(PUBLISHED));
        assertEquals(failed, metric(FAILED), "no event was lost");
    }

    private record Customer(String id, String apiKey) {
    }

    /** A new customer with a platform key and an OpenAI key of its own. */
    private static Customer newCustomer() {
        String customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", customerId, "name", "Spool " + customerId, "email", customerId + "@example.com"))
                .post("/admin/customers").then().statusCode(201);
        String key = asAdmin().contentType(ContentType.JSON).body("{}")
                .post("/admin/customers/{id}/api-keys", customerId).then().statusCode(201).extract().path("key");
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", "sk-own-" + UUID.randomUUID()))
                .put("/admin/customers/{id}/credentials/openai", customerId).then().statusCode(200);
        return new Customer(customerId, key);
    }

    private static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher line = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertTrue(line.find(), name + " is not in /q/metrics");
        return Double.parseDouble(line.group(1));
    }
}
