package io.apimeter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.apimeter.console.Stubs.assertContains;
import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ServicesStub.class)
@TestSecurity(user = "admin", roles = "admin")
class SummariesPageTest {

    static String row(String id, int calls, int errors, String cost, String previous, String percent) {
        return "{\"customerId\": \"" + id + "\", \"calls\": " + calls + ", \"errors\": " + errors + ","
                + " \"inputTokens\": 1200, \"outputTokens\": 350, \"characters\": 0, \"callSeconds\": 0,"
                + " \"costUsd\": \"" + cost + "\", \"previousMonthCostUsd\": " + (previous == null ? "null" : "\"" + previous + "\"")
                + ", \"costChangePercent\": " + (percent == null ? "null" : "\"" + percent + "\"") + ","
                + " \"providers\": {\"OPENAI\": {\"calls\": " + calls + ", \"errors\": " + errors + ", \"inputTokens\": 1200,"
                + " \"outputTokens\": 350, \"characters\": 0, \"callSeconds\": 0, \"costUsd\": \"" + cost + "\"}}}";
    }

    private static final String ACME = row("acme", 4, 1, "0.117", "0.104", "12.50");
    private static final String GLOBEX = row("globex", 9, 0, "3.5", null, null);
    private static final String NOVEMBER_TOTALS = "\"totals\": {\"calls\": 13, \"errors\": 1, \"costUsd\": \"3.617\","
            + " \"previousMonthCostUsd\": \"0.104\", \"costChangePercent\": \"3377.88\"}";

    /** The aggregation API's answer to exactly these parameters: the console sorts and pages through it. */
    private static void month(String month, String sort, String order, int offset, int limit, String body) {
        Stubs.stub(get(urlPathEqualTo("/summaries")).withQueryParam("month", equalTo(month))
                .withQueryParam("sort", equalTo(sort)).withQueryParam("order", equalTo(order))
                .withQueryParam("offset", equalTo(Integer.toString(offset)))
                .withQueryParam("limit", equalTo(Integer.toString(limit))).willReturn(Stubs.json(200, body)));
    }

    @BeforeEach
    void stubs() {
        Stubs.reset();
        Stubs.stub(get(urlPathEqualTo("/summaries")).willReturn(Stubs.json(200,
                "{\"customerCount\": 0, \"items\": [], \"totals\": {\"calls\": 0, \"errors\": 0, \"costUsd\": \"0\"}}")));
        month("2026-11", "customer", "asc", 0, 100, "{\"month\": \"2026-11\", \"customerCount\": 2, \"items\": ["
                + ACME + "," + GLOBEX + "], " + NOVEMBER_TOTALS + "}");
        month("2026-11", "cost", "desc", 0, 100, "{\"month\": \"2026-11\", \"customerCount\": 2, \"items\": ["
                + GLOBEX + "," + ACME + "], " + NOVEMBER_TOTALS + "}");
        month("2026-10", "cost", "desc", 0, 0, "{\"month\": \"2026-10\", \"customerCount\": 1, \"items\": [],"
                + " \"totals\": {\"calls\": 2, \"errors\": 0, \"costUsd\": \"0.104\"}}");
    }

    @Test
    void shouldShowCustomersProvidersTotalsAndChangeSortedByTheChosenColumn() {
        String html = given().get("/admin/summaries?month=2026-11&sort=customer&dir=asc").then().statusCode(200)
                .extract().asString();
        assertContains(html, "id=\"month-picker\"", "type=\"month\" name=\"month\" value=\"2026-11\"",
                "<tr class=\"customer-row\" data-customer-id=\"acme\">", "<tr class=\"provider-row\"",
                "<td class=\"num\" data-col=\"cost\">$0.12</td>", "<td class=\"num\" data-col=\"change\">+$0.01</td>",
                "<td class=\"num\" data-col=\"changePercent\">12.50%</td>", "id=\"platform-totals\"",
                "<dd data-col=\"cost\">$3.62</dd>", "canvas id=\"platform-cost-chart\"",
                "{\"month\":\"2026-10\",\"cost\":0.104}", "{\"month\":\"2026-11\",\"cost\":3.617}",
                "data-sort=\"calls\"", "data-sort=\"errors\"", "Customers 1–2 of 2");
        // The order is the API's, asked for by the header's column and direction.
        if (html.indexOf("data-customer-id=\"acme\"") > html.indexOf("data-customer-id=\"globex\"")) {
            throw new AssertionError("acme should come before globex by customer ascending");
        }
        String byCost = given().get("/admin/summaries?month=2026-11&sort=cost&dir=desc").then().statusCode(200)
                .extract().asString();
        if (byCost.indexOf("data-customer-id=\"globex\"") > byCost.indexOf("data-customer-id=\"acme\"")) {
            throw new AssertionError("globex ($3.50) should come before acme ($0.12) by cost descending");
        }
        // Columns the API cannot sort the whole month by are not links; a whole month fits on one page here.
        for (String column : java.util.List.of("quantity", "change", "changePercent")) {
            if (byCost.contains("data-sort=\"" + column + "\"")) {
                throw new AssertionError(column + " should not be sortable");
            }
        }
        if (byCost.contains("id=\"next-page\"") || byCost.contains("id=\"previous-page\"")) {
            throw new AssertionError("one page has no page links");
        }
    }

    @Test
    void shouldPageThroughAMonthOfManyCustomers() {
        month("2026-09", "calls", "desc", 100, 100, "{\"month\": \"2026-09\", \"customerCount\": 250, \"items\": ["
                + ACME + "," + GLOBEX + "], " + NOVEMBER_TOTALS + "}");
        String html = given().get("/admin/summaries?month=2026-09&sort=calls&dir=desc&page=2").then().statusCode(200)
                .extract().asString();
        assertContains(html, "data-customer-id=\"acme\"", "Customers 101–102 of 250",
                "id=\"previous-page\" href=\"/admin/summaries?month=2026-09&amp;sort=calls&amp;dir=desc&amp;page=1\"",
                "id=\"next-page\" href=\"/admin/summaries?month=2026-09&amp;sort=calls&amp;dir=desc&amp;page=3\"");
        // A page number that is not one opens the first page.
        String first = given().get("/admin/summaries?month=2026-09&sort=calls&dir=desc&page=-3").then()
                .statusCode(200).extract().asString();
        assertContains(first, "id=\"summaries\"");
        if (first.contains("id=\"previous-page\"")) {
            throw new AssertionError("the first page has no previous page");
        }
    }

    @Test
    void shouldOpenOnTheCurrentMonthByCostWhenTheLinkNamesNothing() {
        // the navigation's link: no month, no sort, no direction
        String html = given().get("/admin/summaries").then().statusCode(200).extract().asString();
        assertContains(html, "id=\"summaries\"", "name=\"month\" value=\""
                + java.time.YearMonth.now(java.time.ZoneOffset.UTC) + "\"");
    }
}
