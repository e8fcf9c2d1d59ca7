package io.apimeter.alert;

import static io.apimeter.alert.AlertTestEvents.exceeded;
import static io.apimeter.alert.AlertTestEvents.warning;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
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

    @Test
    void shouldListNewestFirstFilterAndMoveAlertsThroughSeenAndResolved() {
        String customer = newCustomer();
        AlertEvent older = warning(customer, Instant.parse("2026-11-10T10:00:00Z"));
        AlertEvent newer = exceeded(customer, Instant.parse("2026-11-12T10:00:00Z"));
        KAFKA.publish(older);
        KAFKA.publish(newer);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .queryParam("customerId", customer)
                .when().get("/alerts")
                .then().statusCode(200)
                .body("items.id", contains(id(newer), id(older))));

        given().queryParam("customerId", customer).queryParam("type", "warning")
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(older)));
        given().queryParam("customerId", customer).queryParam("limit", 1)
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(newer)));

        given().when().post("/alerts/{id}/seen", older.eventId())
                .then().statusCode(200)
                .body("status", equalTo("SEEN"))
                .body("seenAt", notNullValue())
                .body("resolvedAt", nullValue());
        given().queryParam("customerId", customer).queryParam("status", "SEEN")
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(older)));
        given().queryParam("customerId", customer).queryParam("status", "ACTIVE")
                .when().get("/alerts")
                .then().statusCode(200).body("items.id", contains(id(newer)));

        given().when().post("/alerts/{id}/resolve", older.eventId())
                .then().statusCode(200)
                .body("status", equalTo("RESOLVED"))
                .body("resolvedAt", notNullValue());
        given().when().post("/alerts/{id}/seen", older.eventId())
                .then().statusCode(409)
                .contentType(ContentType.JSON)
                .body("code", equalTo("alert_resolved"));
        given().when().post("/alerts/{id}/resolve", older.eventId())
                .then().statusCode(200).body("status", equalTo("RESOLVED"));

        // An ACTIVE alert can be resolved directly.
        given().when().post("/alerts/{id}/resolve", newer.eventId())
                .then().statusCode(200)
                .body("status", equalTo("RESOLVED"))
                .body("seenAt", nullValue());
        given().queryParam("customerId", customer).queryParam("status", "RESOLVED")
                .when().get("/alerts")
                .then().statusCode(200).body("items", hasSize(2));
        given().queryParam("customerId", customer).queryParam("status", "ACTIVE")
                .when().get("/alerts")
                .then().statusCode(200).body("items", hasSize(0));
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
        given().queryParam(name, value)
                .when().get("/alerts")
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("code", equalTo(code))
                .body("message", notNullValue());
    }

    @Test
    void shouldAnswer404ForAnUnknownAlertAnd400ForABadId() {
        UUID unknown = UUID.randomUUID();
        given().when().get("/alerts/{id}", unknown).then().statusCode(404).body("code", equalTo("not_found"));
        given().when().post("/alerts/{id}/seen", unknown).then().statusCode(404).body("code", equalTo("not_found"));
        given().when().post("/alerts/{id}/resolve", unknown).then().statusCode(404).body("code", equalTo("not_found"));
        given().when().get("/alerts/{id}", "not-a-uuid").then().statusCode(400).body("code", equalTo("invalid_id"));
        given().when().post("/alerts/{id}/seen", "42").then().statusCode(400).body("code", equalTo("invalid_id"));
        given().when().post("/alerts/{id}/resolve", "x").then().statusCode(400).body("code", equalTo("invalid_id"));
    }

    private static String id(AlertEvent event) {
        return event.eventId().toString();
    }
}
