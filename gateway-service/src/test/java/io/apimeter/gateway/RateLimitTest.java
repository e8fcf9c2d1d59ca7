package io.apimeter.gateway;

import static io.apimeter.gateway.GatewayTestSupport.dimension;
import static io.apimeter.gateway.GatewayTestSupport.publishQuotaStatus;
import static io.apimeter.gateway.GatewayTestSupport.status;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.apimeter.events.Months;
import io.apimeter.events.Outcome;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.service.QuotaStatuses;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Requests per minute in BLOCK mode, enforced at the gateway: this replica's share of the limit in each UTC
 * minute, and quota-service's platform-wide verdict ({@code rateLimitedUntil}).
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class RateLimitTest {

    @Inject
    QuotaStatuses statuses;

    @TestHTTPResource("/openai/v1")
    URL openAiBaseUrl;

    private void publish(QuotaStatus status) {
        publishQuotaStatus(status);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            QuotaStatus held = statuses.get(status.customerId());
            return held != null && held.updatedAt().equals(status.updatedAt());
        });
    }

    private static ValidatableResponse chat(GatewayTestSupport.Tenant tenant) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody("gpt-4")).post("/openai/v1/chat/completions").then();
    }

    private static long secondsLeftInMinute() {
        return 60 - Instant.now().getEpochSecond() % 60;
    }

    /** The calls of a test must not straddle two minutes: start with at least 20 s of the minute left. */
    private static void awaitFreshMinute() {
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200))
                .until(() -> secondsLeftInMinute() >= 20);
    }

    @Test
    void shouldAdmitTheLimitInAMinuteAndRefuseTheNextCall() {
        var tenant = GatewayTestSupport.newTenant();
        String elevenLabsKey = GatewayTestSupport.storeCredential(tenant.customerId(), "elevenlabs");
        publish(status(tenant.customerId(), dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "3", "BLOCK")));
        awaitFreshMinute();

        chat(tenant).statusCode(200);
        chat(tenant).statusCode(200);
        // the limit counts the customer's requests to every provider
        given().contentType(ContentType.JSON).header("xi-api-key", tenant.apiKey())
                .body(Map.of("text", "Hello")).post("/elevenlabs/v1/text-to-speech/voice1").then().statusCode(200);
        long before = SimulatorTestResource.simulator().requests().stream()
                .filter(r -> r.headers().values().stream().anyMatch(v -> v.contains(tenant.providerKey()))).count();
        long expectedRetry = secondsLeftInMinute();
        ValidatableResponse refused = chat(tenant).statusCode(429).contentType(ContentType.JSON)
                .body("error.type", equalTo("requests"))
                .body("error.code", equalTo("rate_limit_exceeded"));
        String message = refused.extract().path("error.message");
        assertTrue(message.startsWith("Rate limit of 3 requests per minute reached; try again in "), message);
        long retryAfter = Long.parseLong(refused.extract().header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60 && Math.abs(retryAfter - expectedRetry) <= 2,
                "Retry-After " + retryAfter + " s, the minute ends in about " + expectedRetry + " s");
        given().contentType(ContentType.JSON).header("xi-api-key", tenant.apiKey())
                .body(Map.of("text", "Hello")).post("/elevenlabs/v1/text-to-speech/voice1").then().statusCode(429)
                .body("detail.status", equalTo("rate_limit_exceeded"));
        long after = SimulatorTestResource.simulator().requests().stream()
                .filter(r -> r.headers().values().stream().anyMatch(v -> v.contains(tenant.providerKey()))).count();
        assertEquals(before, after, "the refused call did not reach OpenAI");
        assertTrue(SimulatorTestResource.simulator().requests().stream()
                .filter(r -> elevenLabsKey.equals(r.header("xi-api-key"))).count() == 1);

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 5);
        assertEquals(3, events.stream().filter(e -> e.outcome() == Outcome.SUCCESS).count(), events.toString());
        List<UsageEvent> rejected = events.stream().filter(e -> e.outcome() == Outcome.REJECTED).toList();
        assertEquals(2, rejected.size(), events.toString());
        assertTrue(rejected.stream().allMatch(e -> e.httpStatus() == 429 && e.cost().amount().signum() == 0));
    }

    @Test
    void shouldRefuseUntilTheRateLimitedUntilThatQuotaServiceSet() {
        var tenant = GatewayTestSupport.newTenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String month = Months.of(now).toString();
        publish(status(tenant.customerId(), month, now, now.plusSeconds(40),
                dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "100", "BLOCK")));

        ValidatableResponse refused = chat(tenant).statusCode(429).body("error.code", equalTo("rate_limit_exceeded"));
        long retryAfter = Long.parseLong(refused.extract().header("Retry-After"));
        assertTrue(retryAfter >= 30 && retryAfter <= 40, "Retry-After " + retryAfter);
        assertFalse(GatewayTestSupport.providerCalledWith(tenant.providerKey()));

        // the next status, a second later, no longer limits the customer
        publish(status(tenant.customerId(), month, now.plusSeconds(1), null,
                dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "100", "BLOCK")));
        chat(tenant).statusCode(200);
    }

    @Test
    void shouldNotEnforceARateLimitThatOnlyAlerts() {
        var tenant = GatewayTestSupport.newTenant();
        publish(status(tenant.customerId(), dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "1", "ALERT_ONLY")));
        awaitFreshMinute();
        chat(tenant).statusCode(200);
        chat(tenant).statusCode(200);
        chat(tenant).statusCode(200);
    }

    @Test
    void shouldSurfaceTheRateLimitAsTheOpenAiSdksRateLimitException() {
        var tenant = GatewayTestSupport.newTenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publish(status(tenant.customerId(), Months.of(now).toString(), now, now.plusSeconds(30),
                dimension(QuotaDimension.REQUESTS_PER_MINUTE, "0", "100", "BLOCK")));
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(openAiBaseUrl.toString()).apiKey(tenant.apiKey())
                .maxRetries(0).build();
        RateLimitException e = org.junit.jupiter.api.Assertions.assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(
                        ChatCompletionCreateParams.builder().model("gpt-4").addUserMessage("Hello").build()));
        assertEquals(429, e.statusCode());
        assertEquals("rate_limit_exceeded", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("Rate limit of 100 requests per minute reached"), e.getMessage());
    }
}
