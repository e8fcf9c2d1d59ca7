package io.apimeter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.apimeter.console.Stubs.assertContains;
import static io.apimeter.console.Stubs.assertLacks;
import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ServicesStub.class)
@TestSecurity(user = "acme-user", roles = "customer")
@OidcSecurity(claims = @Claim(key = "customer_id", value = "acme"))
class DashboardTest {

    static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);

    @BeforeEach
    void stubs() {
        Stubs.reset();
        Stubs.stub(get(urlPathEqualTo("/quotas/acme/status")).willReturn(Stubs.json(200, QuotaPageTest.STATUS)));
        Stubs.stub(get(urlPathEqualTo("/alerts")).willReturn(Stubs.json(200,
                "{\"items\": [" + Stubs.alert("33333333-3333-3333-3333-333333333333", "ACTIVE") + "]}")));
        Stubs.stub(get(urlPathEqualTo("/usage-logs")).willReturn(Stubs.json(200, "{\"items\": ["
                + Stubs.call("44444444-4444-4444-4444-444444444444", "acme", "REJECTED", "2026-11-03T10:14:00Z", "0")
                + "], \"nextCursor\": null}")));
        // two months with calls, the four others left out by the API
        Stubs.stub(get(urlPathEqualTo("/summaries/acme")).willReturn(Stubs.json(200, "{\"customerId\": \"acme\", \"items\": ["
                + "{\"month\": \"" + NOW + "\", \"calls\": 1520, \"errors\": 3, \"costUsd\": \"18.6\"},"
                + "{\"month\": \"" + NOW.minusMonths(2) + "\", \"calls\": 7, \"errors\": 0, \"costUsd\": \"0.117\"}]}")));
    }

    @Test
    void shouldShowLimitsSentenceCostWarningsAndRecentCalls() {
        String html = given().get("/dashboard").then().statusCode(200).extract().asString();
        assertContains(html, "id=\"live\" hx-get=\"/dashboard/live\" hx-trigger=\"every 1s\"",
                "class=\"limit-bar bar-ok ok\" data-dimension=\"OPENAI_TOKENS\" data-percent=\"62.00\"",
                "class=\"limit-bar bar-exceeded exceeded\" data-dimension=\"SMARTFLO_MINUTES\" data-percent=\"100.00\"",
                "class=\"limit-bar bar-warning warning\" data-dimension=\"TOTAL_COST_USD\" data-percent=\"93.00\"",
                "<p id=\"status-sentence\" class=\"sentence\">62% of token limit used, $18.60 of $200 budget used</p>",
                "<strong id=\"month-cost\">$18.60</strong>", "id=\"active-warnings\"", "80.5%",
                "<tr class=\"call error\" data-event-id=\"44444444-4444-4444-4444-444444444444\"",
                "canvas id=\"history-chart\"", "id=\"download-csv\" href=\"/dashboard/calls.csv\"");
        assertLacks(html, "data-dimension=\"ELEVENLABS_CHARACTERS\"", "id=\"nav-calls\"");
        ServicesStub.server.verify(getRequestedFor(urlPathEqualTo("/usage-logs"))
                .withQueryParam("customerId", equalTo("acme")).withQueryParam("limit", equalTo("20")));
    }

    @Test
    void shouldShowMonthsWithoutCallsAsZeroAndMoneyToTheCent() {
        String html = given().get("/dashboard").then().statusCode(200).extract().asString();
        for (int i = 0; i < 6; i++) {
            assertContains(html, "<tr class=\"month\" data-month=\"" + NOW.minusMonths(i) + "\">");
        }
        assertContains(html,
                "data-month=\"" + NOW + "\"><th scope=\"row\">" + NOW + "</th>\n    <td class=\"num\" data-col=\"calls\">1,520</td>",
                "<td class=\"num\" data-col=\"cost\">$18.60</td>", "<td class=\"num\" data-col=\"cost\">$0.12</td>",
                "data-month=\"" + NOW.minusMonths(1) + "\"><th scope=\"row\">" + NOW.minusMonths(1)
                        + "</th>\n    <td class=\"num\" data-col=\"calls\">0</td>",
                "{\"month\":\"" + NOW.minusMonths(1) + "\",\"cost\":0}");
    }

    @Test
    void shouldRenderTheLiveFragmentAlone() {
        String html = given().get("/dashboard/live").then().statusCode(200).extract().asString();
        assertContains(html, "id=\"status-sentence\"", "id=\"month-cost\"", "table id=\"recent-calls\"");
        assertLacks(html, "<html", "<main");
    }

    @Test
    void shouldPutNoTokenIntoThePage() {
        String html = given().get("/dashboard").then().statusCode(200).extract().asString();
        String authorization = ServicesStub.server.findAll(getRequestedFor(urlPathEqualTo("/quotas/acme/status")))
                .get(0).getHeader("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new AssertionError("the user's token was not sent to quota-service: " + authorization);
        }
        String token = authorization.substring("Bearer ".length());
        assertLacks(html, token, token.substring(0, Math.min(40, token.length())), "Bearer");
    }

    @Test
    void shouldKeepTheDashboardUpWhenAServiceIsDown() {
        Stubs.stub(get(urlPathEqualTo("/alerts")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        String html = given().get("/dashboard").then().statusCode(200).extract().asString();
        assertContains(html, "The alert service cannot be reached", "<strong id=\"month-cost\">$18.60</strong>");
        assertLacks(html, "Exception");
    }
}
