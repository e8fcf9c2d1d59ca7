package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertsUntil;
import static io.apimeter.quota.QuotaTestKafka.of;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.quota.QuotaTestKafka.statuses;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A limit reads the same in the REST status, on the quota-status topic and at the gateway (which blocks under BLOCK
 * when used >= limit): a percent is rounded down, so that 100.00 means reached, and a limit of zero is reached from
 * the start.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class LimitReadingTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldShowNinetyNinePointNineNineAndNotBlockOneTokenShortOfTheLimit() {
        String customer = newCustomer();
        putQuota(customer, "{\"openaiTokens\": 500000, \"enforcement\": \"BLOCK\"}");
        KAFKA.publish(openai(customer, 499_999, Instant.now()));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> status(customer)
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("499999"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent", equalTo("99.99"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.state", equalTo("WARNING"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.exceeded", equalTo(false))
                .body("blocked", equalTo(false))
                .body("summary", equalTo("99.99% of token limit used, $0.01 spent (no budget)")));

        QuotaStatus published = last(statuses(customer, list -> !list.isEmpty()
                && new BigDecimal("499999").compareTo(last(list).dimensions().get(0).used()) == 0));
        QuotaStatus.Dimension tokens = published.dimensions().get(0);
        assertEquals("99.99", tokens.percent().toPlainString());
        assertFalse(published.blocked());
        assertTrue(tokens.used().compareTo(tokens.limit()) < 0, "the gateway's used >= limit does not hold either");
        List<AlertEvent> alerts = alertsUntil(customer, AlertType.WARNING, QuotaDimension.OPENAI_TOKENS);
        assertEquals(List.of(AlertType.WARNING), of(alerts, QuotaDimension.OPENAI_TOKENS).stream()
                .map(AlertEvent::type).toList(), "no EXCEEDED one token short of the limit");
    }

    @Test
    void shouldBlockAtOnceAndRaiseExceededWhenALimitIsZeroUnderBlock() {
        String customer = newCustomer();
        putQuota(customer, "{\"elevenlabsCharacters\": 0, \"enforcement\": \"BLOCK\"}");

        status(customer)
                .body("blocked", equalTo(true))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.used", equalTo("0"))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.limit", equalTo("0"))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.percent", equalTo("100.00"))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.state", equalTo("EXCEEDED"))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.exceeded", equalTo(true));

        QuotaStatus published = last(statuses(customer, list -> !list.isEmpty()));
        assertTrue(published.blocked());
        assertEquals(new QuotaStatus.Dimension(QuotaDimension.ELEVENLABS_CHARACTERS, new BigDecimal("0"),
                new BigDecimal("0"), new BigDecimal("100.00"), "BLOCK"), published.dimensions().get(0));

        AlertEvent exceeded = alertsUntil(customer, AlertType.EXCEEDED, QuotaDimension.ELEVENLABS_CHARACTERS).stream()
                .filter(a -> a.type() == AlertType.EXCEEDED).findFirst().orElseThrow();
        assertNull(exceeded.causeEventId(), "fired by the quota change, before any call");
        assertEquals(customer + " has exceeded its monthly ElevenLabs character limit (0 of 0 characters)",
                exceeded.message());

        // Raising the limit above zero unblocks at once.
        putQuota(customer, "{\"elevenlabsCharacters\": 10, \"enforcement\": \"BLOCK\"}");
        status(customer).body("blocked", equalTo(false))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.percent", equalTo("0.00"));
    }

    private static QuotaStatus last(List<QuotaStatus> statuses) {
        return statuses.get(statuses.size() - 1);
    }

    private static void putQuota(String customer, String body) {
        asAdmin().contentType(ContentType.JSON).body(body)
                .when().put("/quotas/{id}", customer)
                .then().statusCode(200);
    }

    private static ValidatableResponse status(String customer) {
        return asAdmin().when().get("/quotas/{id}/status", customer).then().statusCode(200);
    }
}
