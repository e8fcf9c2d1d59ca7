package io.apimeter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.apimeter.console.Stubs.assertContains;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ServicesStub.class)
@TestSecurity(user = "admin", roles = "admin")
class QuotaPageTest {

    static final String QUOTA = "{\"customerId\": \"acme\", \"openaiTokens\": 1000000, \"elevenlabsCharacters\": null,"
            + " \"smartfloMinutes\": \"600\", \"totalCostUsd\": \"200\", \"requestsPerMinute\": null,"
            + " \"warnAtPercent\": 80, \"enforcement\": \"BLOCK\", \"updatedAt\": \"2026-11-27T21:00:00.123456Z\"}";

    public static final String STATUS = "{\"customerId\": \"acme\", \"month\": \"2026-11\", \"enforcement\": \"ALERT_ONLY\","
            + " \"warnAtPercent\": 80, \"costUsd\": \"18.6\", \"costSoFarUsd\": \"18.6\", \"calls\": 1520,"
            + " \"blocked\": false, \"rateLimitedUntil\": null,"
            + " \"summary\": \"62% of token limit used, $18.60 of $200 budget used\", \"dimensions\": ["
            + "{\"dimension\": \"OPENAI_TOKENS\", \"unit\": \"tokens\", \"used\": \"620000\", \"limit\": \"1000000\","
            + " \"percent\": \"62.00\", \"warnAtPercent\": 80, \"state\": \"OK\", \"exceeded\": false},"
            + "{\"dimension\": \"ELEVENLABS_CHARACTERS\", \"unit\": \"characters\", \"used\": \"1204\", \"limit\": null,"
            + " \"percent\": null, \"warnAtPercent\": 80, \"state\": \"OK\", \"exceeded\": false},"
            + "{\"dimension\": \"SMARTFLO_MINUTES\", \"unit\": \"minutes\", \"used\": \"600\", \"limit\": \"600\","
            + " \"percent\": \"100.00\", \"warnAtPercent\": 80, \"state\": \"EXCEEDED\", \"exceeded\": true},"
            + "{\"dimension\": \"TOTAL_COST_USD\", \"unit\": \"USD\", \"used\": \"18.6\", \"limit\": \"20\","
            + " \"percent\": \"93.00\", \"warnAtPercent\": 80, \"state\": \"WARNING\", \"exceeded\": false}]}";

    @BeforeEach
    void stubs() {
        Stubs.reset();
        Stubs.stub(get(urlPathEqualTo("/quotas/acme")).willReturn(Stubs.json(200, QUOTA)));
        Stubs.stub(get(urlPathEqualTo("/quotas/acme/status")).willReturn(Stubs.json(200, STATUS)));
        Stubs.stub(get(urlPathEqualTo("/admin/customers")).willReturn(Stubs.json(200,
                "[" + CustomersPageTest.customer("ACTIVE") + "]")));
    }

    @Test
    void shouldShowEveryCustomersUsageBars() {
        String html = given().get("/admin/quotas").then().statusCode(200).extract().asString();
        assertContains(html, "<table id=\"quotas\"", "<tr class=\"quota\" data-customer-id=\"acme\"",
                "class=\"usage-bar bar-ok ok\" data-dimension=\"OPENAI_TOKENS\" data-percent=\"62.00\"",
                "data-dimension=\"SMARTFLO_MINUTES\"", "62% of token limit used");
    }

    @Test
    void shouldShowTheStoredLimitsInTheForm() {
        String html = given().get("/admin/quotas/acme").then().statusCode(200).extract().asString();
        assertContains(html, "id=\"quota-form\"", "name=\"openaiTokens\" inputmode=\"numeric\" value=\"1000000\"",
                "name=\"smartfloMinutes\" inputmode=\"decimal\" value=\"600\"", "<option value=\"BLOCK\" selected>",
                "id=\"save-quota\"");
    }

    @Test
    void shouldShowTheQuotaApisValidationErrorBesideItsField() {
        Stubs.stub(put(urlPathEqualTo("/quotas/acme")).willReturn(Stubs.json(400,
                "{\"code\": \"invalid_warnAtPercent\", \"message\": \"warnAtPercent must be from 1 to 99\"}")));
        Stubs.Csrf csrf = Stubs.csrf("/admin/quotas/acme");
        String html = given().cookie("csrf-token", csrf.cookie()).formParam("csrf-token", csrf.token())
                .formParam("openaiTokens", "5000").formParam("warnAtPercent", "120").formParam("enforcement", "BLOCK")
                .post("/admin/quotas/acme").then().statusCode(400).extract().asString();
        assertContains(html, "<span class=\"field-error\" id=\"err-warnAtPercent\" data-field=\"warnAtPercent\">"
                + "warnAtPercent must be from 1 to 99</span>", "value=\"120\"", "value=\"5000\"");
    }

    @Test
    void shouldSendTheFormAsTheQuotaApisJsonAndGoBackToTheStoredValues() {
        Stubs.stub(put(urlPathEqualTo("/quotas/acme")).willReturn(Stubs.json(200, QUOTA)));
        Stubs.Csrf csrf = Stubs.csrf("/admin/quotas/acme");
        given().cookie("csrf-token", csrf.cookie()).formParam("csrf-token", csrf.token()).redirects().follow(false)
                .formParam("openaiTokens", "1000000").formParam("elevenlabsCharacters", "")
                .formParam("smartfloMinutes", "600").formParam("totalCostUsd", "200").formParam("requestsPerMinute", "")
                .formParam("warnAtPercent", "80").formParam("enforcement", "BLOCK")
                .post("/admin/quotas/acme").then().statusCode(303)
                .header("Location", endsWith("/admin/quotas/acme?flash=quota-saved"));
        ServicesStub.server.verify(putRequestedFor(urlPathEqualTo("/quotas/acme")).withRequestBody(equalToJson(
                "{\"openaiTokens\": \"1000000\", \"elevenlabsCharacters\": null, \"smartfloMinutes\": \"600\","
                        + " \"totalCostUsd\": \"200\", \"requestsPerMinute\": null, \"warnAtPercent\": \"80\","
                        + " \"enforcement\": \"BLOCK\"}")));
        given().get("/admin/quotas/acme?flash=quota-saved").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("<p id=\"flash\""));
    }
}
