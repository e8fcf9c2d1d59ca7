package io.apimeter.aggregation.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.aggregation.TestEvents;
import io.apimeter.aggregation.messaging.ProcessedEventPruner;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The ids of applied events are remembered for the retention (30 days), then forgotten. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "aggregation"))
class ProcessedEventRetentionTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Inject
    ProcessedEventPruner pruner;
    @Inject
    DataSource dataSource;

    @Test
    void shouldIgnoreARedeliveryWithinTheRetentionAndForgetTheIdAfterIt() throws Exception {
        String customer = SampleEvents.newCustomer();
        Instant now = Instant.now();
        UsageEvent first = TestEvents.openAi(customer, now, 1, 1, "0.5");
        KAFKA.publish(first);
        awaitCalls(customer, 1);

        pruner.prune(now.plus(Duration.ofDays(29)));
        assertTrue(remembered(first), "29 days later the id is still remembered");
        KAFKA.publish(first); // redelivered, then a new call of the same customer (same partition, after it)
        KAFKA.publish(TestEvents.openAi(customer, now, 1, 1, "0.25"));
        awaitCalls(customer, 2);
        given().auth().oauth2(TestTokens.admin()).get("/summaries/{id}", customer).then()
                .body("items[0].costUsd", equalTo("0.75"));

        long forgotten = pruner.prune(now.plus(Duration.ofDays(31)));
        assertTrue(forgotten >= 2, "both ids are older than the retention 31 days later: " + forgotten);
        assertEquals(false, remembered(first), "31 days later the id is forgotten");
    }

    private static void awaitCalls(String customer, int calls) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin()).get("/summaries/{id}", customer).then()
                        .statusCode(200).body("items[0].calls", equalTo(calls)));
    }

    private boolean remembered(UsageEvent event) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("select 1 from processed_event where event_id = ?")) {
            query.setObject(1, event.eventId());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }
}
