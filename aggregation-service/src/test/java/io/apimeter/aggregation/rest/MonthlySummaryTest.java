package io.apimeter.aggregation.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.aggregation.TestEvents;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "aggregation"))
class MonthlySummaryTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    private static String row(String customer) {
        return "items.find { it.customerId == '" + customer + "' }";
    }

    @Test
    void shouldBillByTheUtcMonthAndShowTheChangeFromTheMonthBefore() {
        String customer = SampleEvents.newCustomer();
        KAFKA.publish(TestEvents.openAi(customer, Instant.parse("2026-10-31T23:59:59Z"), 10, 5, "0.08"));
        KAFKA.publish(TestEvents.openAi(customer, Instant.parse("2026-11-01T00:00:00Z"), 20, 5, "0.09"));
        KAFKA.publish(TestEvents.openAi(customer, Instant.parse("2026-11-30T23:59:59.999Z"), 30, 5, "0.01"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin()).queryParam("month", "2026-11").queryParam("limit", 1000)
                        .get("/summaries").then()
                        .statusCode(200).body(row(customer) + ".calls", equalTo(2)));

        given().auth().oauth2(TestTokens.admin()).queryParam("month", "2026-10").queryParam("limit", 1000)
                .get("/summaries").then()
                .statusCode(200)
                .body(row(customer) + ".calls", equalTo(1))
                .body(row(customer) + ".inputTokens", equalTo(10))
                .body(row(customer) + ".costUsd", equalTo("0.08"))
                .body(row(customer) + ".previousMonthCostUsd", equalTo("0"))
                .body(row(customer) + ".costChangePercent", nullValue());
        given().auth().oauth2(TestTokens.admin()).queryParam("month", "2026-11").queryParam("limit", 1000)
                .get("/summaries").then()
                .statusCode(200)
                .body(row(customer) + ".inputTokens", equalTo(50))
                .body(row(customer) + ".costUsd", equalTo("0.1"))
                .body(row(customer) + ".previousMonthCostUsd", equalTo("0.08"))
                .body(row(customer) + ".costChangePercent", equalTo("25.00"))
                .body(row(customer) + ".providers.keySet()", equalTo(java.util.Set.of("OPENAI")));
        // A customer without calls in a month is not a row of that month.
        given().auth().oauth2(TestTokens.admin()).queryParam("month", "2026-12").queryParam("limit", 1000)
                .get("/summaries").then()
                .statusCode(200).body(row(customer), nullValue());
    }

    @Test
    void shouldSortByCostCallsOrTokensInEitherOrder() {
        // A month no other test uses, so that the list and its totals are this test's alone.
        String month = "2025-02";
        String a = "a-" + SampleEvents.newCustomer();
        String b = "b-" + SampleEvents.newCustomer();
        String c = "c-" + SampleEvents.newCustomer();
        Instant at = Instant.parse("2025-02-10T12:00:00Z");
        // a: most cost, fewest calls, fewest tokens; b: least cost, most calls; c: most tokens.
        KAFKA.publish(TestEvents.openAi(a, at, 5, 5, "3"));
        for (int i = 0; i < 3; i++) {
            KAFKA.publish(TestEvents.openAi(b, at, 5, 5, "0.5"));
        }
        KAFKA.publish(TestEvents.openAi(c, at, 100, 50, "1"));
        KAFKA.publish(TestEvents.openAi(c, at, 10, 0, "1"));
        // The month before, for the platform's change.
        KAFKA.publish(TestEvents.openAi(a, Instant.parse("2025-01-31T00:00:00Z"), 1, 1, "4"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin()).queryParam("month", month).get("/summaries").then()
                        .statusCode(200).body("totals.calls", equalTo(6)));

        assertEquals(List.of(a, c, b), order(month, null, null));
        assertEquals(List.of(b, c, a), order(month, "cost", "asc"));
        assertEquals(List.of(b, c, a), order(month, "calls", "desc"));
        assertEquals(List.of(a, c, b), order(month, "CALLS", "ASC"));
        assertEquals(List.of(c, b, a), order(month, "tokens", null));
        assertEquals(List.of(a, b, c), order(month, "tokens", "asc"));

        given().auth().oauth2(TestTokens.admin()).queryParam("month", month).get("/summaries").then()
                .body("month", equalTo(month))
                .body("items", hasSize(3))
                .body("totals.errors", equalTo(0))
                .body("totals.costUsd", equalTo("6.5"))
                .body("totals.previousMonthCostUsd", equalTo("4"))
                .body("totals.costChangePercent", equalTo("62.50"));
    }

    private static List<String> order(String month, String sort, String order) {
        var request = given().auth().oauth2(TestTokens.admin()).queryParam("month", month);
        if (sort != null) {
            request.queryParam("sort", sort);
        }
        if (order != null) {
            request.queryParam("order", order);
        }
        return request.get("/summaries").then().statusCode(200).extract().jsonPath().getList("items.customerId");
    }

    @Test
    void shouldPageThroughTheMonthInOrderWithTotalsOverEveryCustomer() {
        // A month no other test uses: seven customers, costs 1 to 7; the fifth also made a Smartflo call.
        String month = "2025-03";
        Instant at = Instant.parse("2025-03-15T08:00:00Z");
        List<String> customers = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            String customer = "p" + i + "-" + SampleEvents.newCustomer();
            customers.add(customer);
            KAFKA.publish(TestEvents.openAi(customer, at, i, i, Integer.toString(i)));
        }
        KAFKA.publish(TestEvents.smartfloCall(customers.get(4), at, 60, "0.5"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin()).queryParam("month", month).get("/summaries").then()
                        .statusCode(200).body("totals.costUsd", equalTo("28.5")));

        List<String> walked = new ArrayList<>();
        for (int offset = 0; offset < 9; offset += 3) {
            var page = given().auth().oauth2(TestTokens.admin()).queryParam("month", month)
                    .queryParam("offset", offset).queryParam("limit", 3).get("/summaries").then().statusCode(200)
                    .body("customerCount", equalTo(7)).body("offset", equalTo(offset)).body("limit", equalTo(3))
                    .body("totals.calls", equalTo(8)).body("totals.costUsd", equalTo("28.5"))
                    .extract().jsonPath();
            walked.addAll(page.getList("items.customerId"));
        }
        List<String> byCost = new ArrayList<>(customers);
        Collections.reverse(byCost);
        assertEquals(byCost, walked, "every customer once, by cost, over three pages");
        assertEquals(byCost, order(month, "cost", "desc"));
        assertEquals(customers, order(month, "customer", "asc"));
        assertEquals(byCost, order(month, "customer", "desc"));

        // A customer's row is its providers summed; past the end, or with limit 0, the totals alone.
        given().auth().oauth2(TestTokens.admin()).queryParam("month", month).get("/summaries").then()
                .body(row(customers.get(4)) + ".calls", equalTo(2))
                .body(row(customers.get(4)) + ".costUsd", equalTo("5.5"))
                .body(row(customers.get(4)) + ".callSeconds", equalTo(60))
                .body(row(customers.get(4)) + ".providers.OPENAI.costUsd", equalTo("5"))
                .body(row(customers.get(4)) + ".providers.SMARTFLO.costUsd", equalTo("0.5"));
        for (var extra : List.of(java.util.Map.of("offset", 7), java.util.Map.of("limit", 0))) {
            given().auth().oauth2(TestTokens.admin()).queryParam("month", month).queryParams(extra)
                    .get("/summaries").then().statusCode(200)
                    .body("items", hasSize(0)).body("customerCount", equalTo(7)).body("totals.calls", equalTo(8));
        }
    }

    @Test
    void shouldAnswerAnEmptyMonthWithZeroTotals() {
        given().auth().oauth2(TestTokens.admin()).queryParam("month", "1999-01").get("/summaries").then()
                .statusCode(200)
                .body("month", equalTo("1999-01"))
                .body("items", hasSize(0))
                .body("totals.calls", equalTo(0))
                .body("totals.costUsd", equalTo("0"))
                .body("totals.costChangePercent", nullValue())
                .body(containsString("\"costChangePercent\":null"));
    }

    @Test
    void shouldRejectBadInputWithJsonNamingTheParameter() {
        badRequest(given().auth().oauth2(TestTokens.admin()), "/summaries", "invalid_month", "month");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "2026-13"), "/summaries", "invalid_month", "month");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "November"), "/summaries", "invalid_month", "month");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "2026-11").queryParam("sort", "size"), "/summaries", "invalid_sort", "sort");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "2026-11").queryParam("order", "up"), "/summaries", "invalid_order", "order");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "2026-11").queryParam("limit", "1001"), "/summaries", "invalid_limit", "limit");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "2026-11").queryParam("limit", "-1"), "/summaries", "invalid_limit", "limit");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "2026-11").queryParam("offset", "-5"), "/summaries", "invalid_offset", "offset");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("month", "2026-11").queryParam("offset", "1e3"), "/summaries", "invalid_offset", "offset");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("months", "0"), "/summaries/acme", "invalid_months", "months");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("months", "25"), "/summaries/acme", "invalid_months", "months");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("months", "six"), "/summaries/acme", "invalid_months", "months");
        badRequest(given().auth().oauth2(TestTokens.admin())
                .queryParam("until", "2026-1"), "/summaries/acme", "invalid_until", "until");
        badRequest(given().auth().oauth2(TestTokens.admin()), "/summaries/" + "x".repeat(65), "invalid_customerId",
                "customerId");
        badRequest(given().auth().oauth2(TestTokens.admin()), "/summaries/a%20b", "invalid_customerId", "customerId");
    }

    private static void badRequest(io.restassured.specification.RequestSpecification request, String path,
                                   String code, String parameter) {
        request.urlEncodingEnabled(false).get(path).then()
                .statusCode(400).contentType(ContentType.JSON)
                .body("code", equalTo(code))
                .body("message", containsString(parameter));
    }
}
