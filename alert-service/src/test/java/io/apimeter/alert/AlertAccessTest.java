package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.security.Callers.asCustomer;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.AccessTable.admin;
import static io.apimeter.testkit.security.AccessTable.customerRead;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.TestTokens;
import io.apimeter.testkit.security.AccessTable;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Who may call which alert endpoint: admins see and handle every alert, a customer reads its own customer's
 * alerts and changes none. A new endpoint joins the table, or the first test fails.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class AlertAccessTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final String SOME_ALERT = "3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f";
    /** Where the alerts are mailed (the test profile's admin addresses): not a customer's business. */
    private static final String ADMIN_MAIL_DOMAIN = "apimeter.test";

    static final AccessTable TABLE = AccessTable.of(
            customerRead("/alerts", "/alerts?status=ACTIVE"),
            customerRead("/alerts/{id}", "/alerts/" + SOME_ALERT),
            admin("POST", "/alerts/{id}/seen", "/alerts/" + SOME_ALERT + "/seen"),
            admin("POST", "/alerts/{id}/resolve", "/alerts/" + SOME_ALERT + "/resolve"),
            admin("PUT", "/webhooks/{customerId}", "/webhooks/acme"),
            customerRead("/webhooks/{customerId}", "/webhooks/acme"),
            admin("DELETE", "/webhooks/{customerId}", "/webhooks/acme"));

    @Test
    void shouldListEveryEndpointInTheAccessTable() {
        TABLE.assertListsEveryPublishedOperation();
    }

    @Test
    void shouldRefuseEveryEndpointWithoutAValidTokenInJson() {
        TABLE.assertRefusesMissingAndInvalidTokens();
    }

    @Test
    void shouldLetACustomerReadItsAlertsButNeitherMarkThemSeenNorResolveThem() {
        String customer = newCustomer();
        TABLE.assertCustomersCannotUseAdminEndpoints(customer);
        AlertEvent alert = warning(customer, Instant.parse("2026-11-18T10:00:00Z"));
        KAFKA.publish(alert);
        awaitStored(alert);

        asCustomer(customer).when().post("/alerts/{id}/seen", alert.eventId())
                .then().statusCode(403).contentType(ContentType.JSON).body("code", equalTo("forbidden"));
        asCustomer(customer).when().post("/alerts/{id}/resolve", alert.eventId())
                .then().statusCode(403).contentType(ContentType.JSON).body("code", equalTo("forbidden"));
        asCustomer(customer).when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200)
                .body("status", equalTo("ACTIVE"))
                .body("seenAt", nullValue())
                .body("seenBy", nullValue())
                .body("resolvedAt", nullValue())
                .body("resolvedBy", nullValue());
    }

    @Test
    void shouldShowACustomerOnlyItsOwnAlerts() {
        String a = newCustomer();
        String b = newCustomer();
        AlertEvent aWarning = warning(a, Instant.parse("2026-11-16T10:00:00Z"));
        AlertEvent aExceeded = exceeded(a, Instant.parse("2026-11-17T10:00:00Z"));
        AlertEvent bWarning = warning(b, Instant.parse("2026-11-17T11:00:00Z"));
        AlertEvent platform = platformCost(Instant.parse("2026-11-17T12:00:00Z"));
        KAFKA.publish(aWarning);
        KAFKA.publish(aExceeded);
        KAFKA.publish(bWarning);
        KAFKA.publish(platform);
        awaitStored(aWarning);
        awaitStored(aExceeded);
        awaitStored(bWarning);
        awaitStored(platform);
        String bId = bWarning.eventId().toString();
        String platformId = platform.eventId().toString();

        // A list without a customer filter holds the customer's own alerts, and nobody else's.
        asCustomer(a).queryParam("limit", 500).when().get("/alerts")
                .then().statusCode(200)
                .body("items.id", containsInAnyOrder(id(aExceeded), id(aWarning)))
                .body("items.customerId", everyItem(equalTo(a)))
                .body(not(containsString(b)))
                .body(not(containsString(bId)))
                .body(not(containsString(platformId)));
        asCustomer(a).queryParam("customerId", a).queryParam("type", "WARNING").when().get("/alerts")
                .then().statusCode(200)
                .body("items.id", containsInAnyOrder(id(aWarning)));
        asCustomer(a).queryParam("type", "PLATFORM_COST").queryParam("limit", 500).when().get("/alerts")
                .then().statusCode(200)
                .body("items", hasSize(0));
        // Its alerts without the admins' mail addresses and delivery errors.
        asCustomer(a).when().get("/alerts/{id}", aWarning.eventId())
                .then().statusCode(200)
                .body("customerId", equalTo(a))
                .body("notifications", hasSize(0))
                .body(not(containsString(ADMIN_MAIL_DOMAIN)));

        // Naming another customer in the filter is refused.
        asCustomer(a).queryParam("customerId", b).when().get("/alerts")
                .then().statusCode(403).contentType(ContentType.JSON)
                .body("code", equalTo("forbidden"))
                .body(not(containsString(bId)));
        asCustomer(a).queryParam("customerId", "platform").when().get("/alerts")
                .then().statusCode(403).body(not(containsString(platformId)));

        // Another customer's alert, or a platform alert, answers as an alert that does not exist.
        UUID unknown = UUID.randomUUID();
        String missing = asAdmin().when().get("/alerts/{id}", unknown)
                .then().statusCode(404).extract().asString();
        asCustomer(a).when().get("/alerts/{id}", bWarning.eventId())
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("code", equalTo("not_found"))
                .body("message", equalTo("no alert " + bId))
                .body(not(containsString(b)));
        asCustomer(a).when().get("/alerts/{id}", platform.eventId())
                .then().statusCode(404).body("code", equalTo("not_found"))
                .body(not(containsString("platform cost")));
        asCustomer(a).when().get("/alerts/{id}", unknown)
                .then().statusCode(404).body(equalTo(missing));

        // The admin sees all of them.
        asAdmin().queryParam("customerId", b).when().get("/alerts")
                .then().statusCode(200).body("items.id", containsInAnyOrder(bId));
        asAdmin().queryParam("limit", 500).when().get("/alerts")
                .then().statusCode(200)
                .body("items.id", hasItems(id(aWarning), id(aExceeded), bId, platformId));
        asAdmin().when().get("/alerts/{id}", bWarning.eventId())
                .then().statusCode(200).body("customerId", equalTo(b)).body("notifications", hasSize(2));
    }

    @Test
    void shouldLetACustomerReadItsOwnWebhookOnlyAndNeverItsSecret() {
        String a = newCustomer();
        String b = newCustomer();
        String secret = asAdmin().contentType(ContentType.JSON).body(java.util.Map.of("url", "http://127.0.0.1:9/" + a))
                .when().put("/webhooks/{c}", a)
                .then().statusCode(200).extract().path("secret");

        asCustomer(a).when().get("/webhooks/{c}", a)
                .then().statusCode(200)
                .body("customerId", equalTo(a))
                .body(not(containsString(secret)))
                .body(not(containsString("secret")));
        String missing = asCustomer(b).when().get("/webhooks/{c}", b)
                .then().statusCode(404).extract().path("code");
        asCustomer(b).when().get("/webhooks/{c}", a)
                .then().statusCode(404).body("code", equalTo(missing)).body(not(containsString("127.0.0.1")));
        asCustomer(a).contentType(ContentType.JSON).body(java.util.Map.of("url", "http://127.0.0.1:9/x"))
                .when().put("/webhooks/{c}", a)
                .then().statusCode(403).body("code", equalTo("forbidden"));
        asCustomer(a).when().delete("/webhooks/{c}", a)
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().auth().oauth2(TestTokens.customerWithoutCustomerId()).when().get("/webhooks/{c}", a)
                .then().statusCode(403).body("code", equalTo("no_customer"));
        asAdmin().when().get("/webhooks/{c}", a).then().statusCode(200).body(not(containsString(secret)));
        asAdmin().when().delete("/webhooks/{c}", a).then().statusCode(204);
    }

    @Test
    void shouldRefuseACustomerTokenThatNamesNoCustomer() {
        String customer = newCustomer();
        AlertEvent alert = warning(customer, Instant.parse("2026-11-19T10:00:00Z"));
        KAFKA.publish(alert);
        awaitStored(alert);

        String token = TestTokens.customerWithoutCustomerId();
        given().auth().oauth2(token).when().get("/alerts")
                .then().statusCode(403).body("code", equalTo("no_customer")).body(not(containsString(customer)));
        given().auth().oauth2(token).queryParam("customerId", customer).when().get("/alerts")
                .then().statusCode(403).body("code", equalTo("no_customer")).body(not(containsString(customer)));
        given().auth().oauth2(token).when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(403).body("code", equalTo("no_customer")).body(not(containsString(customer)));
    }

    private static AlertEvent platformCost(Instant occurredAt) {
        return new AlertEvent(UUID.randomUUID(), AlertType.PLATFORM_COST, AlertEvent.PLATFORM,
                QuotaDimension.TOTAL_COST_USD, "2026-11", 80, new BigDecimal("8100"), new BigDecimal("10000"),
                "The platform cost has reached 81% of its monthly budget ($8,100.00 of $10,000.00)", occurredAt, null);
    }

    private static void awaitStored(AlertEvent alert) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/alerts/{id}", alert.eventId())
                .then().statusCode(200));
    }

    private static String id(AlertEvent event) {
        return event.eventId().toString();
    }
}
