package io.apimeter.recorder.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.Cost;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder"))
class UsageLogRecordingTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldShowARecordedCallWithEveryField() {
        String customer = SampleEvents.newCustomer();
        UsageEvent event = SampleEvents.openAi(customer, Instant.parse("2026-11-03T10:15:30.123Z"), "0.0570");
        Instant before = Instant.now();
        KAFKA.publish(event);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .get("/usage-logs/{id}", event.eventId()).then().statusCode(200));

        given().auth().oauth2(TestTokens.admin())
                .accept(ContentType.JSON).get("/usage-logs/{id}", event.eventId()).then()
                .statusCode(200)
                .body("eventId", equalTo(event.eventId().toString()))
                .body("customerId", equalTo(customer))
                .body("apiKeyId", equalTo("key-" + customer))
                .body("provider", equalTo("OPENAI"))
                .body("operation", equalTo("chat.completions"))
                .body("model", equalTo("gpt-4-0613"))
                .body("pricedModel", equalTo("gpt-4"))
                .body("occurredAt", equalTo("2026-11-03T10:15:30.123Z"))
                .body("latencyMs", equalTo(412))
                .body("httpStatus", equalTo(200))
                .body("outcome", equalTo("SUCCESS"))
                .body("inputTokens", equalTo(1200))
                .body("outputTokens", equalTo(350))
                .body("cachedInputTokens", equalTo(100))
                .body("reasoningTokens", equalTo(20))
                .body("characters", equalTo(0))
                .body("callSeconds", equalTo(0))
                .body("estimated", equalTo(false))
                .body("costUsd", equalTo("0.057"))
                .body("unpriced", equalTo(false))
                .body("priceId", equalTo("openai/gpt-4"))
                .body("priceVersion", equalTo(1));
        String recordedAt = given().auth().oauth2(TestTokens.admin())
                .get("/usage-logs/{id}", event.eventId()).jsonPath().getString("recordedAt");
        assertTrue(!Instant.parse(recordedAt).isBefore(before.minusSeconds(5)), "recordedAt is when it was stored");
    }

    @Test
    void shouldRecordAVeryLateAndAFarFutureCallOnceEachThoughTheirMonthsHadNoPartition() {
        String customer = SampleEvents.newCustomer();
        UsageEvent late = SampleEvents.openAi(customer, Instant.parse("2019-05-06T07:08:09Z"), "0.01");
        UsageEvent future = SampleEvents.elevenLabs(customer, Instant.parse("2077-01-31T23:59:59.999Z"));
        KAFKA.publish(late);
        KAFKA.publish(future);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", late.eventId()).then().statusCode(200)
                    .body("occurredAt", equalTo("2019-05-06T07:08:09Z"));
            given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", future.eventId()).then().statusCode(200)
                    .body("occurredAt", equalTo("2077-01-31T23:59:59.999Z"));
        });

        // delivered again, then one more call of the customer: its key keeps the order, so once it is there the
        // repeats have been read
        KAFKA.publish(late);
        KAFKA.publish(future);
        UsageEvent marker = SampleEvents.openAi(customer, Instant.now(), "0.01");
        KAFKA.publish(marker);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(TestTokens.admin())
                .get("/usage-logs/{id}", marker.eventId()).then().statusCode(200));
        given().auth().oauth2(TestTokens.admin()).queryParam("customerId", customer).get("/usage-logs").then()
                .statusCode(200)
                .body("items.eventId", hasSize(3))
                .body("items[2].eventId", equalTo(late.eventId().toString()))
                .body("items[0].eventId", equalTo(future.eventId().toString()));
    }

    @Test
    void shouldShowAnUnpricedCallWithoutAnAmount() {
        String customer = SampleEvents.newCustomer();
        UsageEvent event = SampleEvents.failedSmartflo(customer, Instant.parse("2026-11-04T08:00:00Z"));
        KAFKA.publish(event);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .get("/usage-logs/{id}", event.eventId()).then().statusCode(200)
                        .body("costUsd", nullValue())
                        .body("unpriced", equalTo(true))
                        .body("priceId", nullValue())
                        .body("priceVersion", nullValue())
                        .body("model", nullValue())
                        .body("outcome", equalTo("PROVIDER_ERROR"))
                        .body("httpStatus", equalTo(502))
                        .body(containsString("\"costUsd\":null")));
    }

    @Test
    void shouldStoreARedeliveredEventOnceAndKeepTheFirstCopy() {
        String customer = SampleEvents.newCustomer();
        UsageEvent first = SampleEvents.openAi(customer, Instant.parse("2026-11-05T09:00:00Z"), "0.01");
        UsageEvent redelivered = new UsageEvent(first.eventId(), customer, first.apiKeyId(), first.provider(),
                first.operation(), first.model(), first.pricedModel(), first.occurredAt(), 9999, 200,
                first.outcome(), first.usage(), Cost.of(new BigDecimal("5"), "openai/gpt-4", 1));
        UsageEvent later = SampleEvents.openAi(customer, Instant.parse("2026-11-05T10:00:00Z"), "0.02");
        KAFKA.publish(first);
        KAFKA.publish(first);
        KAFKA.publish(redelivered);
        KAFKA.publish(later);

        // Same key, same partition: once the later event is visible the copies have been handled.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .get("/usage-logs/{id}", later.eventId()).then().statusCode(200));
        given().auth().oauth2(TestTokens.admin()).queryParam("customerId", customer).get("/usage-logs").then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("items[1].eventId", equalTo(first.eventId().toString()))
                .body("items[1].latencyMs", equalTo(412))
                .body("items[1].costUsd", equalTo("0.01"));
        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.USAGE_EVENTS_DLQ, customer,
                r -> !r.isEmpty(), Duration.ofSeconds(3));
        assertEquals(List.of(), dead, "a redelivery is not a failure");
    }

    @Test
    void shouldSendInvalidRecordsToTheDeadLetterTopicAndGoOn() {
        String customer = SampleEvents.newCustomer();
        UsageEvent valid = SampleEvents.openAi(customer, Instant.parse("2026-11-06T12:00:00Z"), "0.03");
        String withoutCustomer = io.apimeter.events.EventJson.write(valid).replace("\"customerId\":\"" + customer + "\",", "");
        KAFKA.send(Topics.USAGE_EVENTS, customer, "this is not JSON {");
        KAFKA.send(Topics.USAGE_EVENTS, customer, withoutCustomer);
        KAFKA.publish(valid);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .get("/usage-logs/{id}", valid.eventId()).then().statusCode(200)
                        .body("customerId", equalTo(customer)));
        List<ConsumerRecord<String, String>> dead = KAFKA.readKey(Topics.USAGE_EVENTS_DLQ, customer,
                r -> r.size() >= 2, Duration.ofSeconds(30));
        assertEquals(2, dead.size());
        assertEquals("this is not JSON {", dead.get(0).value());
        assertEquals(withoutCustomer, dead.get(1).value());
        assertTrue(String.valueOf(KafkaTestClient.header(dead.get(1), io.apimeter.common.messaging.DeadLetterHeaders.REASON)).contains("customerId"),
                "the dead letter says why");
    }

    @Test
    void shouldAnswerNotFoundAndBadRequestForSingleCalls() {
        given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", UUID.randomUUID()).then()
                .statusCode(404).contentType(ContentType.JSON).body("code", equalTo("not_found"));
        given().auth().oauth2(TestTokens.admin()).get("/usage-logs/not-a-uuid").then()
                .statusCode(400).contentType(ContentType.JSON).body("code", equalTo("invalid_eventId"))
                .body("message", containsString("eventId"));
    }
}
