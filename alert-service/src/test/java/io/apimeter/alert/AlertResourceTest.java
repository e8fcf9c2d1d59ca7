package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.apimeter.events.AlertEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "alert"))
@WithTestResource(MailServerTestResource.class)
class AlertResourceTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    /** The preferred_username of the test kit's admin token. */
    private static final String ADMIN_USERNAME = "admin-user";

    @Test
    void shouldListNewestFirstFilterAndMoveAlertsThroughSeenAndResolved() {
        String customer = newCustomer();
        AlertEvent older = warning(customer, Instant.parse("2026-11-10T10:00:00Z"));
        AlertEvent newer = exceeded(customer, Instant.parse("2026-11-12T10:00:00Z"));
        KAFKA.publish(older);
        KAFKA.publish(newer);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("customerId", customer)
                .when().get("/alerts")
                .then().statusCode(200)
                .body("items.id", contains(id(newer), id(older))));

        asAdmin().queryParam("customerId", customer).queryParam("type", "warning")
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(older)));
        asAdmin().queryParam("customerId", customer).queryParam("limit", 1)
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(newer)));

        asAdmin().when().post("/alerts/{id}/seen", older.eventId())
                .then().statusCode(200)
                .body("status", equalTo("SEEN"))
                .body("seenAt", notNullValue())
                .body("resolvedAt", nullValue());
        asAdmin().queryParam("customerId", customer).queryParam("status", "SEEN")
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(older)));
        asAdmin().queryParam("customerId", customer).queryParam("status", "ACTIVE")
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(newer)));

        asAdmin().when().post("/alerts/{id}/resolve", older.eventId())
                .then().statusCode(200)
                .body("status", equalTo("RESOLVED"))
                .body("resolvedAt", notNullValue());
        asAdmin().when().post("/alerts/{id}/seen", older.eventId())
                .then().statusCode(409)
                .contentType(ContentType.JSON)
                .body("code", equalTo("alert_resolved"));
        asAdmin().when().post("/alerts/{id}/resolve", older.eventId())
                .then().statusCode(200).body("status", equalTo("RESOLVED"));

        // An ACTIVE alert can be resolved directly.
        asAdmin().when().post("/alerts/{id}/resolve", newer.eventId())
                .then().statusCode(200)
                .body("status", equalTo("RESOLVED"))
                .body("seenAt", nullValue());
        asAdmin().queryParam("customerId", customer).queryParam("status", "RESOLVED")
                .when().get("/alerts")
                .then().statusCode(200).body("items", hasSize(2));
        asAdmin().queryParam("customerId", customer).queryParam("status", "ACTIVE")
                .when().get("/alerts")
                .then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void shouldRecordWhoMarkedAnAlertSeenAndWhoResolvedIt() {
        String customer = newCustomer();
        AlertEvent seenFirst = warning(customer, Instant.parse("2026-11-14T10:00:00Z"));
        AlertEvent resolvedAtOnce = exceeded(customer, Instant.parse("2026-11-15T10:00:00Z"));
        KAFKA.publish(seenFirst);
        KAFKA.publish(resolvedAtOnce);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("customerId", customer)
                .when().get("/alerts")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.seenBy", everyItem(nullValue()))
                .body("items.resolvedBy", everyItem(nullValue())));

        asAdmin().when().post("/alerts/{id}/seen", seenFirst.eventId())
                .then().statusCode(200)
                .body("seenBy", equalTo(ADMIN_USERNAME))
                .body("resolvedBy", nullValue());
        asAdmin().when().post("/alerts/{id}/resolve", seenFirst.eventId())
                .then().statusCode(200)
                .body("seenBy", equalTo(ADMIN_USERNAME))
                .body("resolvedBy", equalTo(ADMIN_USERNAME));
        asAdmin().when().post("/alerts/{id}/resolve", resolvedAtOnce.eventId())
                .then().statusCode(200)
                .body("seenBy", nullValue())
                .body("seenAt", nullValue())
                .body("resolvedBy", equalTo(ADMIN_USERNAME));

        // stored, not only answered
        asAdmin().when().get("/alerts/{id}", seenFirst.eventId())
                .then().statusCode(200)
                .body("seenBy", equalTo(ADMIN_USERNAME))
                .body("seenAt", notNullValue())
                .body("resolvedBy", equalTo(ADMIN_USERNAME))
                .body("resolvedAt", notNullValue());
        asAdmin().queryParam("customerId", customer).queryParam("status", "RESOLVED")
                .when().get("/alerts")
                .then().statusCode(200)
                .body("items.resolvedBy", contains(ADMIN_USERNAME, ADMIN_USERNAME))
                .body("items.seenBy", contains(null, ADMIN_USERNAME));
    }

    @ParameterizedTest
    @CsvSource({
            "status, OPEN, invalid_status",
            "type, NOTHING, invalid_type",
            "limit, 0, invalid_limit",
            "limit, 501, invalid_limit",
            "limit, ten, invalid_limit",
            "customerId, 'no spaces allowed', invalid_customerId",
    })
    void shouldRejectAnInvalidFilter(String name, String value, String code) {
        asAdmin().queryParam(name, value)
                .when().get("/alerts")
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("code", equalTo(code))
                .body("message", notNullValue());
    }

    @Test
    void shouldNameTheAllowedValuesOfAnInvalidStatusOrType() {
        asAdmin().queryParam("status", "OPEN")
                .when().get("/alerts")
                .then().statusCode(400)
                .body("code", equalTo("invalid_status"))
                .body("message", containsString("[ACTIVE, SEEN, RESOLVED]"));
        asAdmin().queryParam("type", "NOTHING")
                .when().get("/alerts")
                .then().statusCode(400)
                .body("code", equalTo("invalid_type"))
                .body("message", containsString(
                        "[WARNING, EXCEEDED, RATE_LIMIT, PLATFORM_COST, UNPRICED_MODEL, UNUSUAL_ACTIVITY,"
                                + " UNBILLED_CALL]"));
    }

    @Test
    void shouldAnswer404ForAnUnknownAlertAnd400ForABadId() {
        UUID unknown = UUID.randomUUID();
        asAdmin().when().get("/alerts/{id}", unknown).then().statusCode(404).body("code", equalTo("not_found"));
        asAdmin().when().post("/alerts/{id}/seen", unknown).then().statusCode(404).body("code", equalTo("not_found"));
        asAdmin().when().post("/alerts/{id}/resolve", unknown).then().statusCode(404).body("code", equalTo("not_found"));
        asAdmin().when().get("/alerts/{id}", "not-a-uuid").then().statusCode(400).body("code", equalTo("invalid_id"));
        asAdmin().when().post("/alerts/{id}/seen", "42").then().statusCode(400).body("code", equalTo("invalid_id"));
        asAdmin().when().post("/alerts/{id}/resolve", "x").then().statusCode(400).body("code", equalTo("invalid_id"));
    }

    private static String id(AlertEvent event) {
        return event.eventId().toString();
    }
}
