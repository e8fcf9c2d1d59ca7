package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alerts;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.quota.QuotaTestKafka.smartflo;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.security.Callers.asCustomer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The platform's monthly budget: PLATFORM_COST at the warning percent and at 100% of it, once per month and
 * threshold, summed over all customers. The budget is one for the whole platform: each test leaves none.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class PlatformBudgetTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Inject
    EntityManager em;

    @AfterEach
    void removeTheBudget() {
        putBudget("{\"monthlyCostUsd\": null}");
    }

    @Test
    void shouldStoreTheBudgetForAdminsOnly() {
        asAdmin().when().get("/platform/budget").then().statusCode(200).body("monthlyCostUsd", nullValue())
                .body("warnAtPercent", equalTo(80));
        asAdmin().contentType(ContentType.JSON).body("{\"monthlyCostUsd\": \"10000.50\", \"warnAtPercent\": 75}")
                .when().put("/platform/budget")
                .then().statusCode(200)
                .body("monthlyCostUsd", equalTo("10000.5"))
                .body("warnAtPercent", equalTo(75))
                .body("updatedAt", notNullValue());
        asCustomer(newCustomer()).contentType(ContentType.JSON).body("{\"monthlyCostUsd\": 1}")
                .when().put("/platform/budget").then().statusCode(403).body("code", equalTo("forbidden"));
        asCustomer(newCustomer()).when().get("/platform/status").then().statusCode(403);
        asAdmin().when().get("/platform/budget").then().statusCode(200)
                .body("monthlyCostUsd", equalTo("10000.5"))
                .body("warnAtPercent", equalTo(75));
        asAdmin().contentType(ContentType.JSON).body("{\"monthlyCostUsd\": 2500}")
                .when().put("/platform/budget").then().statusCode(200)
                .body("monthlyCostUsd", equalTo("2500"))
                .body("warnAtPercent", equalTo(80));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"monthlyCostUsd\": 0}|invalid_monthlyCostUsd",
            "{\"monthlyCostUsd\": \"-5\"}|invalid_monthlyCostUsd",
            "{\"monthlyCostUsd\": \"lots\"}|invalid_monthlyCostUsd",
            "{\"monthlyCostUsd\": true}|invalid_monthlyCostUsd",
            "{\"monthlyCostUsd\": \"0.0000000000001\"}|invalid_monthlyCostUsd",
            "{\"monthlyCostUsd\": 100, \"warnAtPercent\": 0}|invalid_warnAtPercent",
            "{\"monthlyCostUsd\": 100, \"warnAtPercent\": 100}|invalid_warnAtPercent",
            "{\"monthlyCostUsd\": 100, \"warnAtPercent\": 50.5}|invalid_warnAtPercent",
            "{\"monthlyBudget\": 100}|unknown_field",
            "[100]|invalid_body",
    })
    void shouldRefuseAnInvalidBudgetWithTheFieldNamed(String body, String code) {
        putBudget("{\"monthlyCostUsd\": 500}");
        asAdmin().contentType(ContentType.JSON).body(body)
                .when().put("/platform/budget")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("code", equalTo(code))
                .body("message", notNullValue());
        asAdmin().when().get("/platform/budget").then().body("monthlyCostUsd", equalTo("500"));
        asAdmin().queryParam("month", "2026-13").when().get("/platform/status")
                .then().statusCode(400).body("code", equalTo("invalid_month"));
    }

    @Test
    void shouldAlertAtEightyAndHundredPercentOfTheBudgetOnceSummedOverAllCustomers() {
        // A month of its own, so that no other test's calls count in it.
        YearMonth month = YearMonth.of(1990 + ThreadLocalRandom.current().nextInt(30), 1 + ThreadLocalRandom.current()
                .nextInt(12));
        Instant at = Months.start(month).plus(3, ChronoUnit.DAYS);
        putBudget("{\"monthlyCostUsd\": \"100\"}");
        String a = newCustomer();
        String b = newCustomer();
        // Customer b's call first (counted before a's, which travel on another partition), then a's calls.
        UsageEvent fromB = smartflo(b, 60, "35", at);
        KAFKA.publish(fromB);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("month", month.toString()).when().get("/platform/status")
                .then().statusCode(200).body("costUsd", equalTo("35")).body("state", equalTo("OK")));
        List<UsageEvent> calls = List.of(smartflo(a, 60, "50", at.plusSeconds(1)),
                smartflo(a, 60, "10", at.plusSeconds(2)), smartflo(a, 60, "10", at.plusSeconds(3)),
                smartflo(a, 60, "5", at.plusSeconds(4)));
        calls.forEach(KAFKA::publish);
        KAFKA.publish(calls.get(0)); // redeliveries change nothing
        KAFKA.publish(fromB);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .queryParam("month", month.toString()).when().get("/platform/status")
                .then().statusCode(200).body("costUsd", equalTo("110")));
        // Every call is counted, so every alert they caused is in the outbox: exactly two.
        assertEquals(2, outboxAlerts(month.toString()));
        List<AlertEvent> alerts = alerts(AlertEvent.PLATFORM, list -> list.stream()
                .filter(x -> month.toString().equals(x.month())).count() >= 2).stream()
                .filter(x -> month.toString().equals(x.month())).toList();
        assertEquals(List.of(80, 100), alerts.stream().map(AlertEvent::thresholdPercent).toList());
        AlertEvent warning = alerts.get(0);
        assertEquals(AlertType.PLATFORM_COST, warning.type());
        assertEquals(AlertEvent.PLATFORM, warning.customerId());
        assertEquals(QuotaDimension.TOTAL_COST_USD, warning.dimension());
        assertEquals(new BigDecimal("85"), warning.used());
        assertEquals(new BigDecimal("100"), warning.limit());
        assertEquals(calls.get(0).eventId(), warning.causeEventId());
        assertEquals("The platform's cost for " + month + " has reached 85% of its monthly budget ($85.00 of $100.00)",
                warning.message());
        AlertEvent exceeded = alerts.get(1);
        assertEquals(new BigDecimal("105"), exceeded.used());
        assertEquals(calls.get(2).eventId(), exceeded.causeEventId());

        asAdmin().queryParam("month", month.toString()).when().get("/platform/status")
                .then().statusCode(200)
                .body("month", equalTo(month.toString()))
                .body("costUsd", equalTo("110"))
                .body("budgetUsd", equalTo("100"))
                .body("percent", equalTo("110.00"))
                .body("state", equalTo("EXCEEDED"))
                .body("summary", equalTo("$110 of $100 platform budget used in " + month + " (110%)"));

        // A budget set since then leaves that month judged against the budget it had.
        asAdmin().contentType(ContentType.JSON).body("{\"monthlyCostUsd\": \"1000\"}")
                .when().put("/platform/budget").then().statusCode(200);
        asAdmin().queryParam("month", month.toString()).when().get("/platform/status")
                .then().statusCode(200)
                .body("budgetUsd", equalTo("100"))
                .body("percent", equalTo("110.00"))
                .body("state", equalTo("EXCEEDED"));
    }

    @Test
    void shouldFireAtOnceWhenTheBudgetIsLoweredAndAgainAfterARaiseReArmedIt() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String month = Months.of(start).toString();
        String customer = newCustomer();
        KAFKA.publish(openai(customer, 10, "10", Instant.now()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/quotas/{id}/status", customer).then().statusCode(200).body("calls", equalTo(1)));
        BigDecimal cost = new BigDecimal(asAdmin().when().get("/platform/status").then().statusCode(200)
                .extract().jsonPath().getString("costUsd"));

        // A budget the month's cost is at 90% of: WARNING at once, from the change itself.
        putBudget("{\"monthlyCostUsd\": \"" + cost.divide(new BigDecimal("0.9"), 6, RoundingMode.DOWN) + "\"}");
        List<AlertEvent> lowered = platformAlertsSince(start, month, 1);
        assertEquals(List.of(80), lowered.stream().map(AlertEvent::thresholdPercent).toList());
        assertNull(lowered.get(0).causeEventId());

        // Ten times the cost: below 80% again, so the warning is re-armed; a call taking the month to exactly the
        // budget crosses both thresholds, and both fire.
        putBudget("{\"monthlyCostUsd\": \"" + cost.multiply(BigDecimal.TEN) + "\"}");
        UsageEvent big = openai(customer, 10, cost.multiply(BigDecimal.valueOf(9)).toPlainString(), Instant.now());
        KAFKA.publish(big);
        List<AlertEvent> all = platformAlertsSince(start, month, 3);
        assertEquals(List.of(80, 80, 100), all.stream().map(AlertEvent::thresholdPercent).toList());
        assertEquals(big.eventId(), all.get(1).causeEventId());
        assertEquals(big.eventId(), all.get(2).causeEventId());
        assertEquals(0, cost.multiply(BigDecimal.TEN).compareTo(all.get(2).used()));
        asAdmin().when().get("/platform/status").then().statusCode(200)
                .body("state", equalTo("EXCEEDED"))
                .body("summary", containsString("platform budget used in " + month + " (100%)"));
    }

    private long outboxAlerts(String month) {
        return ((Number) em.createNativeQuery("select count(*) from outbox where topic = 'alert-events'"
                        + " and message_key = 'platform' and payload like :month")
                .setParameter("month", "%\"month\":\"" + month + "\"%")
                .getSingleResult()).longValue();
    }

    private static List<AlertEvent> platformAlertsSince(Instant start, String month, int expected) {
        return alerts(AlertEvent.PLATFORM, list -> since(list, start, month).size() >= expected).stream()
                .filter(a -> !a.occurredAt().isBefore(start) && month.equals(a.month())).toList();
    }

    private static List<AlertEvent> since(List<AlertEvent> alerts, Instant start, String month) {
        return alerts.stream().filter(a -> !a.occurredAt().isBefore(start) && month.equals(a.month())).toList();
    }

    /** The budget, in force in the past months this test counts in. */
    private static void putBudget(String body) {
        LimitsInForce.putBudget(body);
    }
}
