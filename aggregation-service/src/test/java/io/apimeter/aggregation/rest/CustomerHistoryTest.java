package io.apimeter.aggregation.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.apimeter.aggregation.TestEvents;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "aggregation"))
class CustomerHistoryTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldListMonthsWithUsageNewestFirstWithinTheWindow() {
        String customer = SampleEvents.newCustomer();
        KAFKA.publish(TestEvents.openAi(customer, Instant.parse("2026-04-15T00:00:00Z"), 1, 1, "0.4"));
        KAFKA.publish(TestEvents.openAi(customer, Instant.parse("2026-06-15T00:00:00Z"), 1, 1, "0.6"));
        KAFKA.publish(SampleEvents.elevenLabs(customer, Instant.parse("2026-11-15T00:00:00Z")));
        KAFKA.publish(TestEvents.openAi(customer, Instant.parse("2026-11-16T00:00:00Z"), 1, 1, "1.1"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .queryParam("until", "2026-11").queryParam("months", 8).get("/summaries/{id}", customer)
                        .then().statusCode(200).body("items", hasSize(3)));

        given().auth().oauth2(TestTokens.admin())
                .queryParam("until", "2026-11").queryParam("months", 8).get("/summaries/{id}", customer).then()
                .body("customerId", equalTo(customer))
                .body("items.month", contains("2026-11", "2026-06", "2026-04"))
                .body("items.costUsd", contains("1.13", "0.6", "0.4"))
                .body("items[0].calls", equalTo(2))
                .body("items[0].providers.ELEVENLABS.characters", equalTo(1000))
                .body("items[0].providers.OPENAI.costUsd", equalTo("1.1"));
        // Six months back from November: June to November.
        given().auth().oauth2(TestTokens.admin()).queryParam("until", "2026-11").get("/summaries/{id}", customer).then()
                .statusCode(200).body("items.month", contains("2026-11", "2026-06"));
        given().auth().oauth2(TestTokens.admin())
                .queryParam("until", "2026-10").queryParam("months", 1).get("/summaries/{id}", customer).then()
                .statusCode(200).body("items", hasSize(0));
    }

    @Test
    void shouldEndTheWindowAtTheCurrentMonthByDefault() {
        String customer = SampleEvents.newCustomer();
        KAFKA.publish(TestEvents.openAi(customer, Instant.now(), 1, 1, "0.2"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .queryParam("months", 1).get("/summaries/{id}", customer).then()
                        .statusCode(200).body("items.month", contains(YearMonth.now(ZoneOffset.UTC).toString())));
    }

    @Test
    void shouldAnswerACustomerWithoutUsageWithNoMonths() {
        given().auth().oauth2(TestTokens.admin()).get("/summaries/{id}", SampleEvents.newCustomer()).then()
                .statusCode(200).body("items", hasSize(0));
    }
}
