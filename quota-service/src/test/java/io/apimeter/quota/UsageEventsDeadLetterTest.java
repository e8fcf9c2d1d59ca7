package io.apimeter.quota;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.Topics;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class UsageEventsDeadLetterTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldSendInvalidRecordsToTheDeadLetterTopicAndGoOn() {
        String customer = newCustomer();
        String notJson = "this is not an event";
        String noEventId = "{\"customerId\": \"" + customer + "\", \"provider\": \"OPENAI\"}";
        KAFKA.send(Topics.USAGE_EVENTS, customer, notJson);
        KAFKA.send(Topics.USAGE_EVENTS, customer, noEventId);
        KAFKA.publish(openai(customer, 42, Instant.parse("2025-04-01T00:00:00Z")));

        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.USAGE_EVENTS_DLQ, customer,
                records -> records.size() >= 2, Duration.ofSeconds(30));
        assertEquals(List.of(notJson, noEventId), dead.stream().map(ConsumerRecord::value).toList());

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("month", "2025-04")
                .when().get("/quotas/{id}/status", customer)
                .then().statusCode(200)
                .body("calls", equalTo(1))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("42")));
    }
}
