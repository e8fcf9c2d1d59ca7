package io.apimeter.recorder;

import static io.apimeter.testkit.security.AccessTable.customerRead;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.apimeter.testkit.security.AccessTable;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who may read which calls. A new endpoint joins the table, or the first test fails. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder"))
class RecorderAccessTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    static final AccessTable TABLE = AccessTable.of(
            customerRead("/usage-logs", "/usage-logs"),
            customerRead("/usage-logs/export", "/usage-logs/export"),
            customerRead("/usage-logs/{eventId}", "/usage-logs/" + UUID.randomUUID()));

    /** Two customers' calls: A made two, B one, all within one hour of 2021 no other test uses. */
    private record Tenants(String a, String b, UsageEvent a1, UsageEvent a2, UsageEvent b1, Instant from, Instant to) {
    }

    private static Tenants twoCustomersWithCalls() {
        // A random hour, so that the window holds this test's calls only, whatever ran before.
        Instant from = Instant.parse("2021-01-01T00:00:00Z").plusSeconds(3600L * (long) (Math.random() * 8000));
        String a = SampleEvents.newCustomer();
        String b = SampleEvents.newCustomer();
        Tenants t = new Tenants(a, b, SampleEvents.openAi(a, from.plusSeconds(60), "0.01"),
                SampleEvents.failedSmartflo(a, from.plusSeconds(120)), SampleEvents.elevenLabs(b, from.plusSeconds(180)),
                from, from.plusSeconds(3600));
        KAFKA.publish(t.a1());
        KAFKA.publish(t.a2());
        KAFKA.publish(t.b1());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin()).queryParam("from", t.from().toString())
                        .queryParam("to", t.to().toString()).get("/usage-logs").then()
                        .statusCode(200).body("items", hasSize(3)));
        return t;
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
    void shouldListOnlyTheCustomersOwnCallsWhateverTheRequestNames() {
        Tenants t = twoCustomersWithCalls();
        String tokenA = TestTokens.customer(t.a());

        // No customer filter: A's calls, none of B's.
        given().auth().oauth2(tokenA).queryParam("limit", 500).get("/usage-logs").then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("items.customerId", everyItem(equalTo(t.a())))
                .body("items.eventId", hasItems(t.a1().eventId().toString(), t.a2().eventId().toString()))
                .body(not(containsString(t.b())))
                .body(not(containsString(t.b1().eventId().toString())));
        // Naming itself is the same list; naming B is refused and shows nothing of B.
        given().auth().oauth2(tokenA).queryParam("customerId", t.a()).get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(2));
        given().auth().oauth2(tokenA).queryParam("customerId", t.b()).get("/usage-logs").then()
                .statusCode(403).contentType(ContentType.JSON)
                .body("code", equalTo("forbidden"))
                .body(not(containsString(t.b1().eventId().toString())));
        // Other filters cannot widen the list either.
        given().auth().oauth2(tokenA).queryParam("provider", "ELEVENLABS")
                .queryParam("from", t.from().toString()).queryParam("to", t.to().toString())
                .get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(0));

        // The admin sees both customers' calls.
        given().auth().oauth2(TestTokens.admin()).queryParam("from", t.from().toString())
                .queryParam("to", t.to().toString()).get("/usage-logs").then()
                .statusCode(200)
                .body("items.customerId", hasItems(t.a(), t.b()));
        given().auth().oauth2(TestTokens.admin()).queryParam("customerId", t.b()).get("/usage-logs").then()
                .statusCode(200).body("items.eventId", hasItems(t.b1().eventId().toString()));
    }

    @Test
    void shouldExportOnlyTheCustomersOwnCallsAsCsv() {
        Tenants t = twoCustomersWithCalls();
        String tokenA = TestTokens.customer(t.a());

        Response csv = given().auth().oauth2(tokenA).accept("text/csv").get("/usage-logs");
        csv.then().statusCode(200).contentType(startsWith("text/csv"));
        String[] lines = csv.asString().split("\r\n");
        assertEquals(3, lines.length, csv.asString());
        for (int i = 1; i < lines.length; i++) {
            assertTrue(lines[i].contains("," + t.a() + ","), lines[i]);
        }
        assertFalse(csv.asString().contains(t.b()), "no call of another customer");

        given().auth().oauth2(tokenA).queryParam("format", "csv").queryParam("customerId", t.b())
                .get("/usage-logs").then()
                .statusCode(403).body("code", equalTo("forbidden"))
                .body(not(containsString(t.b1().eventId().toString())));
        given().auth().oauth2(tokenA).accept("text/csv").queryParam("customerId", t.b())
                .get("/usage-logs").then()
                .statusCode(403).body(not(containsString(t.b1().eventId().toString())));
    }

    @Test
    void shouldAnswerAnotherCustomersCallAsNotFound() {
        Tenants t = twoCustomersWithCalls();
        String tokenA = TestTokens.customer(t.a());

        given().auth().oauth2(tokenA).get("/usage-logs/{id}", t.a1().eventId()).then()
                .statusCode(200).body("customerId", equalTo(t.a()));
        Response other = given().auth().oauth2(tokenA).get("/usage-logs/{id}", t.b1().eventId());
        other.then().statusCode(404).contentType(ContentType.JSON)
                .body("code", equalTo("not_found"))
                .body(not(containsString(t.b())));
        // Exactly what a call that never happened answers, so an event id tells nothing.
        UUID unknown = UUID.randomUUID();
        String missing = given().auth().oauth2(tokenA).get("/usage-logs/{id}", unknown).then()
                .statusCode(404).extract().asString();
        assertEquals(missing.replace(unknown.toString(), t.b1().eventId().toString()), other.asString());

        given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", t.b1().eventId()).then()
                .statusCode(200).body("customerId", equalTo(t.b()));
    }

    @Test
    void shouldRefuseACustomerTokenThatNamesNoCustomer() {
        Tenants t = twoCustomersWithCalls();
        String lost = TestTokens.customerWithoutCustomerId();

        given().auth().oauth2(lost).get("/usage-logs").then()
                .statusCode(403).contentType(ContentType.JSON).body("code", equalTo("no_customer"))
                .body(not(containsString(t.a()))).body(not(containsString(t.b())));
        given().auth().oauth2(lost).queryParam("format", "csv").get("/usage-logs").then()
                .statusCode(403).body("code", equalTo("no_customer"));
        given().auth().oauth2(lost).get("/usage-logs/export").then()
                .statusCode(403).body("code", equalTo("no_customer")).body(not(containsString(t.a())));
        given().auth().oauth2(lost).get("/usage-logs/{id}", t.a1().eventId()).then()
                .statusCode(403).body("code", equalTo("no_customer")).body(not(containsString(t.a())));
        given().auth().oauth2(lost).get("/usage-logs/{id}", UUID.randomUUID()).then()
                .statusCode(403).body("code", equalTo("no_customer"));
    }
}
