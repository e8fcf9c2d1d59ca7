package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.Topics;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class AlertEventsDeadLetterTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldSendInvalidRecordsToTheDeadLetterTopicAndGoOn() {
        String customer = newCustomer();
        String notJson = "<alert/>";
        String noType = "{\"eventId\": \"" + UUID.randomUUID() + "\", \"customerId\": \"" + customer
                + "\", \"message\": \"m\", \"occurredAt\": \"2026-11-01T00:00:00Z\"}";
        KAFKA.send(Topics.ALERT_EVENTS, customer, notJson);
        KAFKA.send(Topics.ALERT_EVENTS, customer, noType);
        AlertEvent valid = warning(customer, Instant.parse("2026-11-02T00:00:00Z"));
        KAFKA.publish(valid);

        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.ALERT_EVENTS_DLQ, customer,
                records -> records.size() >= 2, Duration.ofSeconds(30));
        assertEquals(List.of(notJson, noType), dead.stream().map(ConsumerRecord::value).toList());

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("customerId", customer)
                .when().get("/alerts")
                .then().statusCode(200)
                .body("items.id", contains(valid.eventId().toString())));
    }
}
