package io.apimeter.gateway.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.common.messaging.DeadLetterHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.SimulatorTestResource;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.SharedInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * A usage event the broker refuses for good goes to usage-events-dlq and holds back none of the events behind it;
 * one too large for the spool is refused at once, counted and logged.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class RefusedUsageEventsTest {
    private static final String REJECTED_TO_TOPIC = "apimeter_gateway_spool_rejected_total{to=\"dead-letter-topic\"}";
    private static final String REJECTED_TO_FILE = "apimeter_gateway_spool_rejected_total{to=\"file\"}";
    private static final String PUBLISHED = "apimeter_gateway_usage_events_total{result=\"published\"}";
    private static final String FAILED = "apimeter_gateway_usage_events_total{result=\"failed\"}";
    private static final String TOO_LARGE = "apimeter_gateway_usage_events_too_large_total";
    private static final String WAITING = "apimeter_gateway_usage_events_waiting";
    /** Below the 100 KB event of the test, far below the spool's 256 KiB record limit. */
    private static final int TOPIC_LIMIT = 64 * 1024;

    @Inject
    UsageEventPublisher publisher;

    @Test
    void shouldSendAnEventTheBrokerRefusesToTheDeadLetterTopicAndTheEventsBehindItInOrder() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(WAITING) == 0);
        double toTopic = metric(REJECTED_TO_TOPIC);
        double toFile = metric(REJECTED_TO_FILE);
        double published = metric(PUBLISHED);
        String customer = SampleEvents.newCustomer();
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<UsageEvent> normal = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            normal.add(SampleEvents.openAi(customer, start.plusMillis(i), "0.01"));
        }
        // smaller than a spool record may be, larger than the topic takes
        UsageEvent refused = withModel(SampleEvents.openAi(customer, start.plusMillis(2), "0.01"),
                "gpt-4-" + "x".repeat(100_000));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.get().kafkaBootstrapServers()))) {
            limitUsageEvents(admin, String.valueOf(TOPIC_LIMIT));
            try {
                for (UsageEvent event : List.of(normal.get(0), normal.get(1), refused, normal.get(2), normal.get(3))) {
                    assertTrue(publisher.publish(event));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> metric(WAITING) == 0);
            } finally {
                limitUsageEvents(admin, null);
            }
        }

        try (KafkaTestClient client = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            List<ConsumerRecord<String, String>> sent = client.readKey("usage-events", customer,
                    found -> found.size() >= 4, Duration.ofSeconds(30));
            assertEquals(normal.stream().map(e -> e.eventId().toString()).toList(),
                    sent.stream().map(r -> KafkaTestClient.header(r, "ce_id")).toList(),
                    "every other event, in order, each once");

            List<ConsumerRecord<String, String>> letters = client.readKey("usage-events-dlq", customer,
                    found -> !found.isEmpty(), Duration.ofSeconds(30));
            assertEquals(1, letters.size());
            ConsumerRecord<String, String> letter = letters.get(0);
            assertEquals(refused.eventId().toString(), KafkaTestClient.header(letter, "ce_id"));
            assertEquals(refused.model(), EventJson.readUsageEvent(letter.value()).model(), "the event, whole");
            assertEquals("usage-events", KafkaTestClient.header(letter, DeadLetterHeaders.TOPIC));
            assertEquals("gateway-service", KafkaTestClient.header(letter, DeadLetterHeaders.GROUP));
            String reason = KafkaTestClient.header(letter, DeadLetterHeaders.REASON);
            assertTrue(reason.contains("RecordTooLargeException"), reason);
        }
        assertEquals(toTopic + 1, metric(REJECTED_TO_TOPIC));
        assertEquals(toFile, metric(REJECTED_TO_FILE));
        assertEquals(published + 4, metric(PUBLISHED));
    }

    @Test
    void shouldRefuseAnEventLargerThanASpoolRecordAtOnceAndCountIt() {
        double failed = metric(FAILED);
        double tooLarge = metric(TOO_LARGE);
        UsageEvent huge = withModel(SampleEvents.openAi(SampleEvents.newCustomer(), Instant.now(), "0.01"),
                "gpt-4-" + "x".repeat(UsageEventPublisher.MAX_RECORD_BYTES));

        assertFalse(publisher.publish(huge), "the caller is told the event was not kept");
        assertEquals(failed + 1, metric(FAILED));
        assertEquals(tooLarge + 1, metric(TOO_LARGE));
        assertTrue(publisher.publish(SampleEvents.openAi(SampleEvents.newCustomer(), Instant.now(), "0.01")),
                "the next event is taken");
    }

    private static UsageEvent withModel(UsageEvent event, String model) {
        return new UsageEvent(UUID.randomUUID(), event.customerId(), event.apiKeyId(), event.provider(),
                event.operation(), model, event.pricedModel(), event.occurredAt(), event.latencyMs(),
                event.httpStatus(), event.outcome(), event.usage(), event.cost());
    }

    /** Sets usage-events' max.message.bytes (null: back to the broker's default) and waits until the broker has it. */
    private static void limitUsageEvents(Admin admin, String maxMessageBytes) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "usage-events");
        ConfigEntry entry = new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                maxMessageBytes == null ? "" : maxMessageBytes);
        AlterConfigOp op = new AlterConfigOp(entry, maxMessageBytes == null ? AlterConfigOp.OpType.DELETE
                : AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ConfigEntry now = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return maxMessageBytes == null ? now.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                    : maxMessageBytes.equals(now.value());
        });
    }

    private static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher line = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertTrue(line.find(), name + " is not in /q/metrics");
        return Double.parseDouble(line.group(1));
    }
}
