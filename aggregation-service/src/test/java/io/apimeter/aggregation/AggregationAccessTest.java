package io.apimeter.aggregation;

import static io.apimeter.testkit.security.AccessTable.customerRead;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.apimeter.testkit.security.AccessTable;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Who may read which summaries. A new endpoint joins the table, or the first test fails. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "aggregation"))
class AggregationAccessTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    static final AccessTable TABLE = AccessTable.of(
            customerRead("/summaries", "/summaries?month=2026-11"),
            customerRead("/summaries/{customerId}", "/summaries/acme"));

    private static String row(String customer) {
        return "items.find { it.customerId == '" + customer + "' }";
    }

    /**
     * Two new customers with usage in June and July of {@code year}: A spends 1 in July (one call) after 0.5 in
     * June; B spends 10 in July (two calls) after 4 in June. Each test takes a year no other test uses, so that
     * the platform's totals of those months are its own.
     */
    private static String[] twoCustomersWithUsage(int year) {
        String a = SampleEvents.newCustomer();
        String b = SampleEvents.newCustomer();
        KAFKA.publish(TestEvents.openAi(a, Instant.parse(year + "-06-10T00:00:00Z"), 1, 1, "0.5"));
        KAFKA.publish(TestEvents.openAi(a, Instant.parse(year + "-07-10T00:00:00Z"), 10, 5, "1"));
        KAFKA.publish(TestEvents.openAi(b, Instant.parse(year + "-06-10T00:00:00Z"), 1, 1, "4"));
        KAFKA.publish(TestEvents.openAi(b, Instant.parse(year + "-07-11T00:00:00Z"), 100, 50, "6"));
        KAFKA.publish(TestEvents.openAi(b, Instant.parse(year + "-07-12T00:00:00Z"), 100, 50, "4"));
        String july = year + "-07";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().auth().oauth2(TestTokens.admin()).queryParam("until", july).get("/summaries/{id}", a).then()
                    .statusCode(200).body("items.calls", contains(1, 1));
            given().auth().oauth2(TestTokens.admin()).queryParam("until", july).get("/summaries/{id}", b).then()
                    .statusCode(200).body("items.calls", contains(2, 1));
        });
        return new String[] {a, b};
    }

    @Test
    void shouldListEveryEndpointInTheAccessTable() {
        TABLE.assertListsEveryPublishedOperation();
    }

    @Test
    void shouldRefuseEveryEndpointWithoutAValidTokenInJson() {
        TABLE.assertRefusesMissingAndInvalidTokens();
    }

    @Test
    void shouldRefuseATokenWithoutARole() {
        TABLE.assertCustomersCannotUseAdminEndpoints(SampleEvents.newCustomer());
    }

    @Test
    void shouldGiveACustomerItsOwnRowAndTotalsOverItsOwnRowsOnly() {
        String month = "2024-07";
        String[] customers = twoCustomersWithUsage(2024);
        String a = customers[0];
        String b = customers[1];

        given().auth().oauth2(TestTokens.customer(a)).queryParam("month", month).get("/summaries").then()
                .statusCode(200)
                .body("month", equalTo(month))
                .body("items", hasSize(1))
                .body("items[0].customerId", equalTo(a))
                .body("items[0].costUsd", equalTo("1"))
                .body("items[0].previousMonthCostUsd", equalTo("0.5"))
                .body("totals.calls", equalTo(1))
                .body("totals.costUsd", equalTo("1"))
                .body("totals.previousMonthCostUsd", equalTo("0.5"))
                .body("totals.costChangePercent", equalTo("100.00"))
                .body(not(containsString(b)));
        // Sorting cannot bring other rows in.
        given().auth().oauth2(TestTokens.customer(a)).queryParam("month", month).queryParam("sort", "tokens")
                .queryParam("order", "asc").get("/summaries").then()
                .statusCode(200).body("items.customerId", contains(a)).body(not(containsString(b)));
        // A customer without usage in the month sees an empty month, not the platform's totals.
        given().auth().oauth2(TestTokens.customer(SampleEvents.newCustomer())).queryParam("month", month)
                .get("/summaries").then()
                .statusCode(200)
                .body("items", hasSize(0))
                .body("totals.calls", equalTo(0))
                .body("totals.costUsd", equalTo("0"))
                .body("totals.previousMonthCostUsd", equalTo("0"))
                .body("totals.costChangePercent", nullValue())
                .body(not(containsString(a))).body(not(containsString(b)));

        // The admin sees both rows and the platform's totals.
        given().auth().oauth2(TestTokens.admin()).queryParam("month", month).get("/summaries").then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body(row(a) + ".costUsd", equalTo("1"))
                .body(row(b) + ".costUsd", equalTo("10"))
                .body("totals.calls", equalTo(3))
                .body("totals.costUsd", equalTo("11"))
                .body("totals.previousMonthCostUsd", equalTo("4.5"));
        given().auth().oauth2(TestTokens.admin()).queryParam("month", "2024-06").get("/summaries").then()
                .statusCode(200).body("items", hasSize(2));
    }

    @Test
    void shouldAnswerAnotherCustomersHistoryAsNotFound() {
        String month = "2023-07";
        String[] customers = twoCustomersWithUsage(2023);
        String a = customers[0];
        String b = customers[1];
        String tokenA = TestTokens.customer(a);

        given().auth().oauth2(tokenA).queryParam("until", month).get("/summaries/{id}", a).then()
                .statusCode(200)
                .body("customerId", equalTo(a))
                .body("items.month", contains(month, "2023-06"))
                .body("items.costUsd", contains("1", "0.5"));
        given().auth().oauth2(tokenA).queryParam("until", month).get("/summaries/{id}", b).then()
                .statusCode(404).contentType(ContentType.JSON)
                .body("code", equalTo("not_found"))
                .body(not(containsString(b)))
                .body(not(containsString("\"items\"")));
        // Exactly what an id nobody uses answers.
        given().auth().oauth2(tokenA).get("/summaries/{id}", SampleEvents.newCustomer()).then()
                .statusCode(404).body("code", equalTo("not_found"));

        given().auth().oauth2(TestTokens.admin()).queryParam("until", month).get("/summaries/{id}", b).then()
                .statusCode(200)
                .body("customerId", equalTo(b))
                .body("items.costUsd", contains("10", "4"));
    }

    @Test
    void shouldRefuseACustomerTokenThatNamesNoCustomer() {
        String month = "2022-07";
        String[] customers = twoCustomersWithUsage(2022);
        String lost = TestTokens.customerWithoutCustomerId();

        given().auth().oauth2(lost).queryParam("month", month).get("/summaries").then()
                .statusCode(403).contentType(ContentType.JSON).body("code", equalTo("no_customer"))
                .body(not(containsString(customers[0]))).body(not(containsString(customers[1])));
        given().auth().oauth2(lost).get("/summaries/{id}", customers[0]).then()
                .statusCode(403).contentType(ContentType.JSON).body("code", equalTo("no_customer"))
                .body(not(containsString("\"items\"")));
    }
}
