package io.apimeter.recorder.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * When the database cannot take the calls, the consumer waits: it retries the same batch, says so in its
 * readiness and metrics, dead-letters nothing, and records every call once the database takes them again.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder"))
class DatabaseStallTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Test
    void shouldWaitOutATableItCannotWriteAndRecordEveryCallAfterwards() throws Exception {
        String customer = SampleEvents.newCustomer();
        List<UsageEvent> events = List.of(SampleEvents.openAi(customer, Instant.parse("2026-11-07T09:00:00Z"), "0.01"),
                SampleEvents.openAi(customer, Instant.parse("2026-11-07T09:00:01Z"), "0.02"));
        double stallsBefore = stalls();
        execute("alter table usage_log rename to usage_log_away");
        try {
            events.forEach(KAFKA::publish);
            await().atMost(Duration.ofSeconds(30)).until(() -> stalls() >= stallsBefore + 3);
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'consumers' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'consumers' }.data.'usage-events'", containsString("retrying"));
        } finally {
            execute("alter table usage_log_away rename to usage_log");
        }

        for (UsageEvent event : events) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(TestTokens.admin())
                    .get("/usage-logs/{id}", event.eventId()).then().statusCode(200));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200));
        assertEquals(List.of(), KAFKA.readKey(Topics.USAGE_EVENTS_DLQ, customer, r -> !r.isEmpty(),
                Duration.ofSeconds(3)), "a database that cannot write is no reason for a dead letter");
    }

    private double stalls() {
        return registry.find("apimeter.consumer.stalls").tag("consumer", "usage-events").counter().count();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
