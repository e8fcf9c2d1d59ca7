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

    @BeforeEach
    void stubs() {
        Stubs.reset();
        Stubs.stub(get(urlPathEqualTo("/summaries")).willReturn(Stubs.json(200,
                "{\"items\": [], \"totals\": {\"calls\": 0, \"errors\": 0, \"costUsd\": \"0\"}}")));
        Stubs.stub(get(urlPathEqualTo("/summaries")).withQueryParam("month", equalTo("2026-11")).willReturn(Stubs.json(200,
                "{\"month\": \"2026-11\", \"items\": [" + row("acme", 4, 1, "0.117", "0.104", "12.50") + ","
                        + row("globex", 9, 0, "3.5", null, null) + "], \"totals\": {\"calls\": 13, \"errors\": 1,"
                        + " \"costUsd\": \"3.617\", \"previousMonthCostUsd\": \"0.104\", \"costChangePercent\": \"3377.88\"}}")));
        Stubs.stub(get(urlPathEqualTo("/summaries")).withQueryParam("month", equalTo("2026-10")).willReturn(Stubs.json(200,
                "{\"month\": \"2026-10\", \"items\": [], \"totals\": {\"calls\": 2, \"errors\": 0, \"costUsd\": \"0.104\"}}")));
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
                "data-sort=\"quantity\"", "data-sort=\"changePercent\"");
        if (html.indexOf("data-customer-id=\"acme\"") > html.indexOf("data-customer-id=\"globex\"")) {
            throw new AssertionError("acme should come before globex by customer ascending");
        }
        String byCost = given().get("/admin/summaries?month=2026-11&sort=cost&dir=desc").then().statusCode(200)
                .extract().asString();
        if (byCost.indexOf("data-customer-id=\"globex\"") > byCost.indexOf("data-customer-id=\"acme\"")) {
            throw new AssertionError("globex ($3.50) should come before acme ($0.12) by cost descending");
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
