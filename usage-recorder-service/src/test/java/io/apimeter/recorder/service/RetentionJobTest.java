package io.apimeter.recorder.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder"))
class RetentionJobTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Inject
    RetentionJob retention;

    @Test
    void shouldDeleteCallsThatOccurredBeforeTheCutoffOnly() {
        // Far in the past, so that no other test's calls fall before the cutoff.
        String customer = SampleEvents.newCustomer();
        UsageEvent expired = SampleEvents.openAi(customer, Instant.parse("2001-03-31T23:59:59Z"), "0.01");
        UsageEvent kept = SampleEvents.openAi(customer, Instant.parse("2001-04-01T00:00:00Z"), "0.01");
        KAFKA.publish(expired);
        KAFKA.publish(kept);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", expired.eventId()).then().statusCode(200);
            given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", kept.eventId()).then().statusCode(200);
        });

        assertEquals(1, retention.purgeBefore(Instant.parse("2001-04-01T00:00:00Z")));

        given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", expired.eventId()).then().statusCode(404);
        given().auth().oauth2(TestTokens.admin()).get("/usage-logs/{id}", kept.eventId()).then().statusCode(200);
    }
}
