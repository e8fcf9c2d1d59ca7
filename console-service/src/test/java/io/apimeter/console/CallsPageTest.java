package io.apimeter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.apimeter.console.Stubs.assertContains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ServicesStub.class)
@TestSecurity(user = "admin", roles = "admin")
class CallsPageTest {

    static final String OK_CALL = "11111111-1111-1111-1111-111111111111";
    static final String FAILED_CALL = "22222222-2222-2222-2222-222222222222";

    @BeforeEach
    void stubs() {
        Stubs.reset();
    }

    @Test
    void shouldListTheRecordersCallsWithErrorsMarkedAndANextPageLink() {
        Stubs.activeAlerts(3);
        Stubs.stub(get(urlPathEqualTo("/usage-logs")).willReturn(Stubs.json(200, "{\"items\": ["
                + Stubs.call(OK_CALL, "acme", "SUCCESS", "2026-11-03T10:15:30.123Z", "0.057") + ","
                + Stubs.call(FAILED_CALL, "acme", "PROVIDER_ERROR", "2026-11-03T10:14:00Z", "0") + "],"
                + " \"nextCursor\": \"CURSOR-2\"}")));

        String html = given().get("/admin/calls?customerId=acme&provider=OPENAI&from=2026-11-01&to=2026-11-30")
                .then().statusCode(200).extract().asString();

        assertContains(html, "id=\"calls-filter\"", "<table id=\"calls\"",
                "<tr class=\"call\" data-event-id=\"" + OK_CALL + "\" data-outcome=\"SUCCESS\"",
                "<tr class=\"call error\" data-event-id=\"" + FAILED_CALL + "\" data-outcome=\"PROVIDER_ERROR\"",
                "$0.057", "<span id=\"active-alerts\">3</span>", "id=\"next-page\"", "cursor=CURSOR-2",
                "id=\"download-csv\"");
        // the "to" day is inclusive: the recorder gets the start of the next day; the user's own token goes along
        ServicesStub.server.verify(getRequestedFor(urlPathEqualTo("/usage-logs"))
                .withQueryParam("customerId", equalTo("acme")).withQueryParam("provider", equalTo("OPENAI"))
                .withQueryParam("from", equalTo("2026-11-01T00:00:00Z"))
                .withQueryParam("to", equalTo("2026-12-01T00:00:00Z"))
                .withHeader("Authorization", matching("Bearer .+")));
    }

    @Test
    void shouldAskOnlyForUnsuccessfulOutcomesWhenErrorsOnly() {
        Stubs.stub(get(urlPathEqualTo("/usage-logs")).willReturn(Stubs.json(200, "{\"items\": [], \"nextCursor\": null}")));
        Stubs.stub(get(urlPathEqualTo("/usage-logs")).withQueryParam("outcome", equalTo("PROVIDER_TIMEOUT"))
                .willReturn(Stubs.json(200, "{\"items\": ["
                        + Stubs.call(FAILED_CALL, "acme", "PROVIDER_TIMEOUT", "2026-11-03T10:14:00Z", "0")
                        + "], \"nextCursor\": null}")));

        String html = given().get("/admin/calls?outcome=ERRORS").then().statusCode(200).extract().asString();

        assertContains(html, "data-event-id=\"" + FAILED_CALL + "\"", "<option value=\"ERRORS\" selected>errors only");
        List<LoggedRequest> asked = ServicesStub.server.findAll(getRequestedFor(urlPathEqualTo("/usage-logs")));
        assertEquals(java.util.Set.of("PROVIDER_ERROR", "PROVIDER_TIMEOUT", "PROVIDER_UNREACHABLE",
                        "CLIENT_ABORTED", "REJECTED"),
                asked.stream().map(r -> r.queryParameter("outcome").firstValue())
                        .collect(java.util.stream.Collectors.toSet()));
        ServicesStub.server.verify(0, getRequestedFor(urlPathEqualTo("/usage-logs"))
                .withQueryParam("outcome", equalTo("SUCCESS")));
        ServicesStub.server.verify(0, getRequestedFor(urlPathEqualTo("/usage-logs")).withQueryParam("outcome", absent()));
    }

    @Test
    void shouldShowOneCall() {
        Stubs.stub(get(urlPathEqualTo("/usage-logs/" + FAILED_CALL)).willReturn(Stubs.json(200,
                Stubs.call(FAILED_CALL, "acme", "PROVIDER_ERROR", "2026-11-03T10:14:00Z", "0"))));
        given().get("/admin/calls/" + FAILED_CALL).then().statusCode(200)
                .body(containsString("id=\"call-detail\""), containsString("PROVIDER_ERROR"),
                        containsString("2026-11-03 10:14:00 UTC"));
    }

    @Test
    void shouldSayWhenTheRecorderIsDownWithoutAStackTrace() {
        ServicesStub.server.stubFor(get(urlPathEqualTo("/usage-logs")).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        given().get("/admin/calls").then().statusCode(503)
                .body(containsString("id=\"error\""), containsString("usage-recorder service cannot be reached"),
                        not(containsString("Exception")), not(containsString("at io.")));
    }

    @Test
    void shouldShowTheServicesMessageForARefusedFilter() {
        Stubs.stub(get(urlPathEqualTo("/usage-logs")).willReturn(Stubs.json(400,
                "{\"code\": \"invalid_model\", \"message\": \"model is too long\"}")));
        given().get("/admin/calls?model=x").then().statusCode(400)
                .body(containsString("<p id=\"error\""), containsString("model is too long"));
    }

    @Test
    void shouldStreamTheCsvOfTheFilterFollowingTheNextCursor() {
        Stubs.stub(get(urlPathEqualTo("/usage-logs")).withQueryParam("format", equalTo("csv"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/csv").withHeader("X-Next-Cursor", "P2")
                        .withBody("eventId,customerId\r\na,acme\r\n")));
        Stubs.stub(get(urlPathEqualTo("/usage-logs")).withQueryParam("format", equalTo("csv"))
                .withQueryParam("cursor", equalTo("P2"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/csv").withBody("eventId,customerId\r\nb,acme\r\n")));

        String csv = given().get("/admin/calls.csv?customerId=acme").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();

        assertEquals("eventId,customerId\r\na,acme\r\nb,acme\r\n", csv);
        ServicesStub.server.verify(getRequestedFor(urlPathEqualTo("/usage-logs")).withQueryParam("cursor", equalTo("P2"))
                .withHeader("Authorization", matching("Bearer .+")));
    }
}
