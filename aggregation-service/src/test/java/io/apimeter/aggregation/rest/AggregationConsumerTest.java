package io.apimeter.aggregation.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.aggregation.TestEvents;
import io.apimeter.events.Cost;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "aggregation"))
class AggregationConsumerTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    private static void awaitCalls(String customer, String month, int calls) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .queryParam("until", month).get("/summaries/{id}", customer).then()
                        .statusCode(200).body("items", hasSize(1)).body("items[0].calls", equalTo(calls)));
    }

    @Test
    void shouldSumEveryQuantityOfTheMonthPerCustomerAndProvider() {
        String customer = SampleEvents.newCustomer();
        KAFKA.publish(SampleEvents.openAi(customer, Instant.parse("2026-11-02T10:00:00Z"), "0.0570"));
        KAFKA.publish(SampleEvents.elevenLabs(customer, Instant.parse("2026-11-03T10:00:00Z")));
        KAFKA.publish(TestEvents.smartfloCall(customer, Instant.parse("2026-11-04T10:00:00Z"), 90, "0.03"));
        KAFKA.publish(SampleEvents.failedSmartflo(customer, Instant.parse("2026-11-05T10:00:00Z")));
        awaitCalls(customer, "2026-11", 4);

        given().auth().oauth2(TestTokens.admin()).queryParam("until", "2026-11").get("/summaries/{id}", customer).then()
                .statusCode(200)
                .body("customerId", equalTo(customer))
                .body("items[0].month", equalTo("2026-11"))
                .body("items[0].calls", equalTo(4))
                .body("items[0].errors", equalTo(1))
                .body("items[0].inputTokens", equalTo(1200))
                .body("items[0].outputTokens", equalTo(350))
                .body("items[0].cachedInputTokens", equalTo(100))
                .body("items[0].reasoningTokens", equalTo(20))
                .body("items[0].characters", equalTo(1000))
                .body("items[0].callSeconds", equalTo(90))
                .body("items[0].costUsd", equalTo("0.117"))
                .body("items[0].unpricedCalls", equalTo(1))
                .body("items[0].providers.OPENAI.calls", equalTo(1))
                .body("items[0].providers.OPENAI.inputTokens", equalTo(1200))
                .body("items[0].providers.OPENAI.costUsd", equalTo("0.057"))
                .body("items[0].providers.ELEVENLABS.characters", equalTo(1000))
                .body("items[0].providers.ELEVENLABS.costUsd", equalTo("0.03"))
                .body("items[0].providers.SMARTFLO.calls", equalTo(2))
                .body("items[0].providers.SMARTFLO.errors", equalTo(1))
                .body("items[0].providers.SMARTFLO.callSeconds", equalTo(90))
                .body("items[0].providers.SMARTFLO.costUsd", equalTo("0.03"))
                .body("items[0].providers.SMARTFLO.unpricedCalls", equalTo(1));

        String path = "items.find { it.customerId == '" + customer + "' }";
        given().auth().oauth2(TestTokens.admin()).queryParam("month", "2026-11").queryParam("limit", 1000)
                .get("/summaries").then()
                .statusCode(200)
                .body("month", equalTo("2026-11"))
                .body(path + ".calls", equalTo(4))
                .body(path + ".errors", equalTo(1))
                .body(path + ".costUsd", equalTo("0.117"))
                .body(path + ".unpricedCalls", equalTo(1))
                .body(path + ".previousMonthCostUsd", equalTo("0"))
                .body(path + ".costChangePercent", nullValue())
                .body(path + ".providers.SMARTFLO.callSeconds", equalTo(90));
    }

    @Test
    void shouldCountARedeliveredEventOnce() {
        String customer = SampleEvents.newCustomer();
        UsageEvent first = SampleEvents.openAi(customer, Instant.parse("2026-11-06T09:00:00Z"), "0.01");
        UsageEvent copyWithOtherCost = new UsageEvent(first.eventId(), customer, first.apiKeyId(), first.provider(),
                first.operation(), first.model(), first.pricedModel(), first.occurredAt(), first.latencyMs(),
                first.httpStatus(), first.outcome(), first.usage(), Cost.of(new BigDecimal("9"), "openai/gpt-4", 1));
        UsageEvent later = SampleEvents.openAi(customer, Instant.parse("2026-11-06T10:00:00Z"), "0.02");
        KAFKA.publish(first);
        KAFKA.publish(first);
        KAFKA.publish(copyWithOtherCost);
        KAFKA.publish(later);

        // Same key, same partition: once the later event counts, the copies have been handled.
        awaitCalls(customer, "2026-11", 2);
        given().auth().oauth2(TestTokens.admin()).queryParam("until", "2026-11").get("/summaries/{id}", customer).then()
                .body("items[0].costUsd", equalTo("0.03"))
                .body("items[0].inputTokens", equalTo(2400));
        // The month's list, which reads the customer's totals over its providers, counted it once too.
        given().auth().oauth2(TestTokens.admin()).queryParam("month", "2026-11").queryParam("limit", 1000)
                .get("/summaries").then()
                .body("items.find { it.customerId == '" + customer + "' }.costUsd", equalTo("0.03"))
                .body("items.find { it.customerId == '" + customer + "' }.calls", equalTo(2));
        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.USAGE_EVENTS_DLQ, customer,
                r -> !r.isEmpty(), Duration.ofSeconds(3));
        assertEquals(List.of(), dead, "a redelivery is not a failure");
    }

    @Test
    void shouldSendInvalidRecordsToTheDeadLetterTopicAndGoOn() {
        String customer = SampleEvents.newCustomer();
        UsageEvent valid = SampleEvents.openAi(customer, Instant.parse("2026-11-07T12:00:00Z"), "0.03");
        String withoutCustomer = EventJson.write(valid).replace("\"customerId\":\"" + customer + "\",", "");
        KAFKA.send(Topics.USAGE_EVENTS, customer, "{not json");
        KAFKA.send(Topics.USAGE_EVENTS, customer, withoutCustomer);
        KAFKA.publish(valid);

        awaitCalls(customer, "2026-11", 1);
        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.USAGE_EVENTS_DLQ, customer,
                r -> r.size() >= 2, Duration.ofSeconds(30));
        assertEquals(2, dead.size());
        assertEquals("{not json", dead.get(0).value());
        assertEquals(withoutCustomer, dead.get(1).value());
        assertTrue(String.valueOf(KafkaTestClient.header(dead.get(1), io.apimeter.common.messaging.DeadLetterHeaders.REASON)).contains("customerId"),
                "the dead letter says why");
    }
}
