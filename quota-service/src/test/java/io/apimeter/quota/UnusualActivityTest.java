package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.ofType;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * UNUSUAL_ACTIVITY with the default rule: the last hour more than 5 times the customer's own hourly average
 * over the previous 7 days, at least 100 requests or $5 in that hour, at least 24 hours of history; once per
 * hour. History is built from calls with earlier occurredAt.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class UnusualActivityTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldAlertOnceWhenTheLastHoursRequestsAreFarAboveTheCustomersOwnAverage() {
        String customer = newCustomer();
        Instant now = Instant.now();
        history(customer, now, 24, "0.01");
        List<UsageEvent> burst = new ArrayList<>();
        for (int i = 0; i < 110; i++) {
            burst.add(openai(customer, 10, "0.001", now.plusMillis(i)));
        }
        burst.forEach(KAFKA::publish);

        List<AlertEvent> unusual = ofType(markedAlerts(customer, now), AlertType.UNUSUAL_ACTIVITY);
        assertEquals(1, unusual.size(), "one alert, then the cooldown: " + unusual);
        AlertEvent alert = unusual.get(0);
        assertEquals(burst.get(99).eventId(), alert.causeEventId(), "the 100th call of the hour trips it");
        assertEquals(new BigDecimal("100"), alert.used());
        assertNull(alert.dimension());
        assertNull(alert.limit());
        assertTrue(alert.message().startsWith(customer + " made 100 requests in the last hour, "), alert.message());
        assertTrue(alert.message().matches(".*x its hourly average of 0\\.\\d+ over the previous \\d+ hours"),
                alert.message());
    }

    @Test
    void shouldAlertWhenTheLastHoursCostIsFarAboveTheCustomersOwnAverage() {
        String customer = newCustomer();
        Instant now = Instant.now();
        history(customer, now, 24, "0.10");
        List<UsageEvent> burst = List.of(openai(customer, 10, "2", now), openai(customer, 10, "2", now.plusMillis(1)),
                openai(customer, 10, "2", now.plusMillis(2)));
        burst.forEach(KAFKA::publish);

        List<AlertEvent> unusual = ofType(markedAlerts(customer, now), AlertType.UNUSUAL_ACTIVITY);
        assertEquals(1, unusual.size());
        assertEquals(burst.get(2).eventId(), unusual.get(0).causeEventId());
        assertEquals(QuotaDimension.TOTAL_COST_USD, unusual.get(0).dimension());
        assertEquals(new BigDecimal("6"), unusual.get(0).used());
        assertTrue(unusual.get(0).message().startsWith(customer + " spent $6.00 in the last hour, "),
                unusual.get(0).message());
    }

    @Test
    void shouldNotAlertWithoutEnoughHistoryOrForActivityWithinTheCustomersNormal() {
        Instant now = Instant.now();
        // Twenty hours of history are not enough.
        String newcomer = newCustomer();
        KAFKA.publish(openai(newcomer, 10, "0.01", now.minus(20, ChronoUnit.HOURS)));
        // $10 an hour is this customer's normal: $30 in the last hour is not five times that.
        String bigSpender = newCustomer();
        history(bigSpender, now, 48, "10");
        for (String customer : List.of(newcomer, bigSpender)) {
            for (int i = 0; i < 3; i++) {
                KAFKA.publish(openai(customer, 10, customer.equals(newcomer) ? "2" : "10", now.plusMillis(i)));
            }
        }
        assertEquals(List.of(), ofType(markedAlerts(newcomer, now), AlertType.UNUSUAL_ACTIVITY));
        assertEquals(List.of(), ofType(markedAlerts(bigSpender, now), AlertType.UNUSUAL_ACTIVITY));
    }

    /** {@code calls} calls spread evenly over the 48 hours that end 2 hours before {@code now}. */
    private static void history(String customer, Instant now, int calls, String cost) {
        Instant from = now.minus(50, ChronoUnit.HOURS);
        long step = ChronoUnit.SECONDS.between(from, now.minus(2, ChronoUnit.HOURS)) / calls;
        for (int i = 0; i < calls; i++) {
            KAFKA.publish(openai(customer, 10, cost, from.plusSeconds(i * step)));
        }
    }

    /**
     * The customer's alerts up to a later marker: an EXCEEDED of a characters limit set and crossed after the
     * calls, so every alert the calls caused is out before it.
     */
    private static List<AlertEvent> markedAlerts(String customer, Instant now) {
        asAdmin().contentType(ContentType.JSON).body("{\"elevenlabsCharacters\": 1}")
                .when().put("/quotas/{id}", customer).then().statusCode(200);
        KAFKA.publish(elevenlabs(customer, 5, "0", now.plusSeconds(1)));
        return alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS);
    }
}
