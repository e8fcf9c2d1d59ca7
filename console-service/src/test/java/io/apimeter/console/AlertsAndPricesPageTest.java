package io.apimeter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.apimeter.console.Stubs.assertContains;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ServicesStub.class)
@TestSecurity(user = "admin", roles = "admin")
class AlertsAndPricesPageTest {

    static final String ALERT = "33333333-3333-3333-3333-333333333333";

    @BeforeEach
    void stubs() {
        Stubs.reset();
    }

    @Test
    void shouldListAlertsWithWhoHandledThemAndTheirActions() {
        Stubs.stub(get(urlPathEqualTo("/alerts")).willReturn(Stubs.json(200, "{\"items\": ["
                + Stubs.alert(ALERT, "ACTIVE") + "," + Stubs.alert("55555555-5555-5555-5555-555555555555", "SEEN") + "]}")));
        String html = given().get("/admin/alerts?status=&type=WARNING").then().statusCode(200).extract().asString();
        assertContains(html, "id=\"alerts-filter\"", "<table id=\"alerts\"",
                "data-alert-id=\"" + ALERT + "\" data-status=\"ACTIVE\"", "class=\"mark-seen\"", "class=\"resolve\"",
                "seen by admin at 2026-11-20 11:00:00 UTC", "<span id=\"active-alerts\">2</span>");
    }

    @Test
    void shouldMarkAnAlertSeenThroughItsForm() {
        Stubs.stub(get(urlPathEqualTo("/alerts")).willReturn(Stubs.json(200, "{\"items\": [" + Stubs.alert(ALERT, "ACTIVE") + "]}")));
        Stubs.stub(post(urlPathEqualTo("/alerts/" + ALERT + "/seen")).willReturn(Stubs.json(200, Stubs.alert(ALERT, "SEEN"))));
        Stubs.Csrf csrf = Stubs.csrf("/admin/alerts");
        given().cookie("csrf-token", csrf.cookie()).formParam("csrf-token", csrf.token()).formParam("back", "status=ACTIVE")
                .redirects().follow(false).post("/admin/alerts/" + ALERT + "/seen").then().statusCode(303)
                .header("Location", endsWith("/admin/alerts?status=ACTIVE&flash=alert-seen"));
        ServicesStub.server.verify(postRequestedFor(urlPathEqualTo("/alerts/" + ALERT + "/seen")));
    }

    @Test
    void shouldShowPricesBudgetAndThisMonthsPlatformCost() {
        Stubs.stub(get(urlPathEqualTo("/admin/prices")).willReturn(Stubs.json(200, "[{\"id\": \"openai/gpt-4o/1\","
                + " \"provider\": \"OPENAI\", \"model\": \"gpt-4o\", \"unit\": \"TOKENS\", \"unitSize\": 1000,"
                + " \"inputPrice\": \"0.005\", \"outputPrice\": \"0.015\", \"price\": null,"
                + " \"effectiveFrom\": \"2026-12-01T00:00:00Z\", \"version\": 1}]")));
        Stubs.stub(get(urlPathEqualTo("/platform/budget")).willReturn(Stubs.json(200,
                "{\"monthlyCostUsd\": \"10000\", \"warnAtPercent\": 80, \"updatedAt\": null}")));
        Stubs.stub(get(urlPathEqualTo("/platform/status")).willReturn(Stubs.json(200, "{\"month\": \"2026-11\","
                + " \"costUsd\": \"8240.5\", \"budgetUsd\": \"10000\", \"percent\": \"82.41\", \"warnAtPercent\": 80,"
                + " \"state\": \"WARNING\", \"summary\": \"$8,240.50 of $10,000 platform budget used in 2026-11 (82.41%)\"}")));
        String html = given().get("/admin/prices").then().statusCode(200).extract().asString();
        assertContains(html, "<table id=\"prices\"", "data-price-id=\"openai/gpt-4o/1\"", "$0.005",
                "id=\"add-price\"", "id=\"platform-budget\"", "value=\"10000\"",
                "<strong id=\"platform-cost\">$8240.50</strong>");
    }

    @Test
    void shouldServeHtmxAndChartJsFromTheirWebjars() {
        given().get("/webjars/htmx.org/dist/htmx.min.js").then().statusCode(200);
        given().get("/webjars/chart.js/dist/chart.umd.js").then().statusCode(200);
        given().get("/static/console.css").then().statusCode(200).body(containsString(".limit-bar"));
    }
}
