package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.ofType;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.quota.QuotaTestKafka.rejected;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.UsageEvent;
import io.apimeter.quota.service.ActivityPruner;
import io.apimeter.quota.service.QuotaService;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RATE_LIMIT: one alert per burst of minutes over the requests-per-minute limit, all calls counting. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class RateLimitAlertsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Inject
    QuotaService quotas;
    @Inject
    ActivityPruner pruner;
    @Inject
    EntityManager em;

    @Test
    void shouldAlertOncePerBurstAndAgainAfterAQuietMinute() {
        String customer = newCustomer();
        putQuota(customer, "{\"requestsPerMinute\": 2, \"elevenlabsCharacters\": 1}");
        Instant m = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(40, ChronoUnit.MINUTES);
        List<UsageEvent> events = new ArrayList<>();
        calls(events, customer, m, 3);                        // over: a burst starts
        calls(events, customer, m.plusSeconds(60), 4);        // over, right after: the same burst
        calls(events, customer, m.plusSeconds(120), 1);       // quiet
        events.add(openai(customer, 10, m.plusSeconds(180))); // over again, counting calls the gateway refused
        events.add(rejected(customer, m.plusSeconds(181)));
        events.add(rejected(customer, m.plusSeconds(182)));
        calls(events, customer, m.plusSeconds(183), 2);
        events.forEach(KAFKA::publish);
        KAFKA.publish(elevenlabs(customer, 5, m.plus(10, ChronoUnit.MINUTES)));

        List<AlertEvent> rateLimits = ofType(alertsUntil(customer, AlertType.EXCEEDED,
                QuotaDimension.ELEVENLABS_CHARACTERS), AlertType.RATE_LIMIT);
        assertEquals(2, rateLimits.size(), "two bursts: " + rateLimits);
        AlertEvent first = rateLimits.get(0);
        assertEquals(events.get(2).eventId(), first.causeEventId());
        assertEquals(events.get(2).occurredAt(), first.occurredAt());
        assertEquals(QuotaDimension.REQUESTS_PER_MINUTE, first.dimension());
        assertEquals(100, first.thresholdPercent());
        assertEquals(new BigDecimal("3"), first.used());
        assertEquals(new BigDecimal("2"), first.limit());
        assertEquals(Months.of(m).toString(), first.month());
        assertEquals(customer + " made 3 requests in the minute of "
                + DateTimeFormatter.ofPattern("HH:mm 'UTC on' yyyy-MM-dd").withZone(ZoneOffset.UTC).format(m)
                + ", over its limit of 2 requests per minute", first.message());
        AlertEvent second = rateLimits.get(1);
        assertEquals(events.get(10).eventId(), second.causeEventId(), "the third call of the fourth minute, a refused one");
        assertEquals(new BigDecimal("3"), second.used());
    }

    @Test
    void shouldRaiseNoRateLimitAlertWithoutALimitOrWithinIt() {
        String limited = newCustomer();
        String unlimited = newCustomer();
        putQuota(limited, "{\"requestsPerMinute\": 3, \"elevenlabsCharacters\": 1}");
        putQuota(unlimited, "{\"elevenlabsCharacters\": 1}");
        Instant m = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(50, ChronoUnit.MINUTES);
        for (String customer : List.of(limited, unlimited)) {
            List<UsageEvent> events = new ArrayList<>();
            calls(events, customer, m, 3);
            calls(events, customer, m.plusSeconds(60), 3);
            if (customer.equals(unlimited)) {
                calls(events, customer, m.plusSeconds(120), 10);
            }
            events.forEach(KAFKA::publish);
            KAFKA.publish(elevenlabs(customer, 5, m.plus(5, ChronoUnit.MINUTES)));
        }
        for (String customer : List.of(limited, unlimited)) {
            assertEquals(List.of(), ofType(alertsUntil(customer, AlertType.EXCEEDED,
                    QuotaDimension.ELEVENLABS_CHARACTERS), AlertType.RATE_LIMIT));
        }
    }

    @Test
    void shouldPruneMinuteCountsAfterTheLookBackAndHourlyCountsAfterTheBaseline() {
        String customer = newCustomer();
        Instant now = Instant.now();
        quotas.apply(openai(customer, 1, now.minus(9, ChronoUnit.DAYS)));
        quotas.apply(openai(customer, 1, now.minus(3, ChronoUnit.HOURS)));
        quotas.apply(openai(customer, 1, now.minus(10, ChronoUnit.MINUTES)));
        assertEquals(3, count("minute_activity", customer));
        assertEquals(3, count("hourly_activity", customer));

        pruner.prune(now);

        assertEquals(1, count("minute_activity", customer), "minute counts of the last two hours are kept");
        assertEquals(2, count("hourly_activity", customer), "hourly counts of the last eight days are kept");
    }

    private long count(String table, String customer) {
        return ((Number) em.createNativeQuery("select count(*) from " + table + " where customer_id = :c")
                .setParameter("c", customer).getSingleResult()).longValue();
    }

    private static void calls(List<UsageEvent> events, String customer, Instant from, int count) {
        for (int i = 0; i < count; i++) {
            events.add(openai(customer, 10, from.plusMillis(i)));
        }
    }

    private static void putQuota(String customer, String body) {
        asAdmin().contentType(ContentType.JSON).body(body)
                .when().put("/quotas/{id}", customer)
                .then().statusCode(200);
    }
}
