package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.of;
import static io.apimeter.quota.QuotaTestKafka.ofType;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.UsageEvent;
import io.apimeter.quota.service.QuotaService;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Each alert exactly once, whatever the redeliveries, the calls that cross together and the replicas: two
 * threads applying one customer's events in separate transactions stand in for two replicas.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class OnceOnlyAlertsTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();
    private static final Instant AT = Instant.parse("2025-06-10T12:00:00Z");

    @Inject
    QuotaService quotas;

    @Test
    void shouldAlertOnceWhenEveryEventIsDeliveredTwiceAndOneAThirdTime() {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 1000, \"elevenlabsCharacters\": 1}");
        List<UsageEvent> events = List.of(openai(customer, 300, AT), openai(customer, 300, AT.plusSeconds(1)),
                openai(customer, 300, AT.plusSeconds(2)), openai(customer, 300, AT.plusSeconds(3)));
        events.forEach(KAFKA::publish);
        events.forEach(KAFKA::publish);
        KAFKA.publish(events.get(2));
        KAFKA.publish(elevenlabs(customer, 5, AT.plusSeconds(4)));

        List<AlertEvent> alerts = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS);
        List<AlertEvent> tokens = of(alerts, QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens.stream().map(AlertEvent::type).toList());
        assertEquals(new BigDecimal("900"), tokens.get(0).used());
        assertEquals(events.get(2).eventId(), tokens.get(0).causeEventId());
        assertEquals(new BigDecimal("1200"), tokens.get(1).used());
        asAdmin().queryParam("month", "2025-06").when().get("/quotas/{id}/status", customer)
                .then().statusCode(200)
                .body("calls", equalTo(5))
                .body("costUsd", equalTo("0.07"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("1200"));
    }

    @Test
    void shouldCountEveryEventOnceAndAlertOnceWhenTwoReplicasApplyOneCustomersEventsAtOnce() throws Exception {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 1000, \"requestsPerMinute\": 5, \"elevenlabsCharacters\": 1}");
        // Calls of one earlier minute, so that they all count in the same minute whatever the clock does.
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(30, ChronoUnit.MINUTES);
        UsageEvent shared = openai(customer, 25, minute.plusSeconds(59));
        List<List<UsageEvent>> perThread = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 40; i++) {
            perThread.get(0).add(openai(customer, 25, minute.plusMillis(i)));
            perThread.get(1).add(openai(customer, 25, minute.plusMillis(100 + i)));
        }
        perThread.forEach(list -> list.add(20, shared));

        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> applied = new ArrayList<>();
            for (List<UsageEvent> events : perThread) {
                Callable<Integer> replica = () -> {
                    start.await();
                    int count = 0;
                    for (UsageEvent event : events) {
                        count += quotas.apply(event) ? 1 : 0;
                    }
                    return count;
                };
                applied.add(threads.submit(replica));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> result : applied) {
                total += result.get(60, TimeUnit.SECONDS);
            }
            assertEquals(81, total, "the shared event is applied by one of the two only");
        } finally {
            threads.shutdownNow();
        }
        KAFKA.publish(elevenlabs(customer, 5, minute.plus(10, ChronoUnit.MINUTES)));

        List<AlertEvent> alerts = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS);
        List<AlertEvent> tokens = of(alerts, QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens.stream().map(AlertEvent::type).toList());
        assertEquals(new BigDecimal("800"), tokens.get(0).used());
        assertEquals(new BigDecimal("1000"), tokens.get(1).used());
        List<AlertEvent> rateLimits = ofType(alerts, AlertType.RATE_LIMIT);
        assertEquals(1, rateLimits.size(), "one burst, one RATE_LIMIT alert: " + rateLimits);
        assertEquals(new BigDecimal("6"), rateLimits.get(0).used());
        asAdmin().queryParam("month", Months.of(minute).toString()).when().get("/quotas/{id}/status", customer)
                .then().statusCode(200)
                .body("calls", equalTo(82))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("2025"));
    }

    @Test
    void shouldFireOnceWhenTwoAdminsLowerALimitBelowUsageAtTheSameTime() throws Exception {
        String customer = newCustomer();
        KAFKA.publish(openai(customer, 500, Instant.now()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/quotas/{id}/status", customer).then().statusCode(200).body("calls", equalTo(1)));

        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String limit : List.of("400", "450")) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return asAdmin().contentType(ContentType.JSON)
                            .body("{\"openaiTokens\": " + limit + ", \"elevenlabsCharacters\": 1}")
                            .when().put("/quotas/{id}", customer).then().extract().statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        KAFKA.publish(elevenlabs(customer, 5, Instant.now()));

        List<AlertEvent> tokens = of(alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS),
                QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING, AlertType.EXCEEDED), tokens.stream().map(AlertEvent::type).toList());
        assertTrue(tokens.stream().allMatch(a -> a.causeEventId() == null), "fired by the quota change");
    }

    /** The quota, in force in the past months this test counts in. */
    private static void putQuota(String customer, String body) {
        LimitsInForce.putQuota(customer, body);
    }
}
