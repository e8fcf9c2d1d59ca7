package io.apimeter.gateway;

import static io.apimeter.gateway.GatewayTestSupport.dimension;
import static io.apimeter.gateway.GatewayTestSupport.providerCalledWith;
import static io.apimeter.gateway.GatewayTestSupport.publishQuotaStatus;
import static io.apimeter.gateway.GatewayTestSupport.status;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.apimeter.events.Months;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.service.QuotaStatuses;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Monthly quotas in BLOCK mode, enforced at the gateway from the quota-status topic: a used-up quota gets 429 in
 * the provider's own error format before the provider is called, and the refused call is metered as REJECTED.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class QuotaEnforcementTest {
    private static final String TOKENS_USED_UP_MESSAGE_START = "Monthly OpenAI token limit of 1,000,000 reached for ";

    @Inject
    QuotaStatuses statuses;

    @TestHTTPResource("/openai/v1")
    URL openAiBaseUrl;

    /** Publishes the status and waits until the gateway holds it. */
    private void publish(QuotaStatus status) {
        publishQuotaStatus(status);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            QuotaStatus held = statuses.get(status.customerId());
            return held != null && held.updatedAt().equals(status.updatedAt());
        });
    }

    private static QuotaStatus.Dimension tokensUsedUp(String enforcement) {
        return dimension(QuotaDimension.OPENAI_TOKENS, "1000250", "1000000", enforcement);
    }

    private static ValidatableResponse chat(GatewayTestSupport.Tenant tenant, boolean stream) {
        String body = stream
                ? "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"
                : GatewayTestSupport.chatBody("gpt-4");
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(body).post("/openai/v1/chat/completions").then();
    }

    private static ValidatableResponse speech(GatewayTestSupport.Tenant tenant) {
        return given().contentType(ContentType.JSON).header("xi-api-key", tenant.apiKey())
                .body(Map.of("text", "Hello there", "model_id", "eleven_multilingual_v2"))
                .post("/elevenlabs/v1/text-to-speech/voice1").then();
    }

    private static ValidatableResponse clickToCall(GatewayTestSupport.Tenant tenant) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(Map.of("agent_number", "+911111111111", "destination_number", "+912222222222"))
                .post("/smartflo/v1/click_to_call").then();
    }

    /** Seconds from now to the start of the next UTC month. */
    private static long secondsToNextMonth() {
        Instant now = Instant.now();
        return Duration.between(now, Months.end(Months.of(now))).toSeconds();
    }

    private static void assertRetryAfterIsNextMonth(ValidatableResponse response) {
        long retryAfter = Long.parseLong(response.extract().header("Retry-After"));
        long expected = secondsToNextMonth();
        assertTrue(Math.abs(retryAfter - expected) <= 5, "Retry-After " + retryAfter + " s, expected about " + expected);
    }

    private static void assertRejected(UsageEvent event, Provider provider) {
        assertEquals(Outcome.REJECTED, event.outcome());
        assertEquals(429, event.httpStatus());
        assertEquals(provider, event.provider());
        assertEquals(0, event.usage().totalTokens() + event.usage().characters() + event.usage().callSeconds());
        assertFalse(event.cost().unpriced(), "a refused call costs zero, it is not unpriced");
        assertEquals(0, BigDecimal.ZERO.compareTo(event.cost().amount()), event.cost().toString());
    }

    @Test
    void shouldRefuseOpenAiCallsOfACustomerWhoseTokenQuotaIsUsedUpWithoutCallingOpenAi() {
        var tenant = GatewayTestSupport.newTenant();
        publish(status(tenant.customerId(), tokensUsedUp("BLOCK")));

        ValidatableResponse refused = chat(tenant, false).statusCode(429)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("insufficient_quota"))
                .body("error.code", equalTo("quota_exceeded"))
                .body("error.param", nullValue())
                .body("error.message", equalTo(TOKENS_USED_UP_MESSAGE_START + Months.of(Instant.now())
                        + "; ask your administrator to raise it."));
        assertRetryAfterIsNextMonth(refused);
        ValidatableResponse streamed = chat(tenant, true).statusCode(429).contentType(ContentType.JSON)
                .body("error.code", equalTo("quota_exceeded"));
        assertRetryAfterIsNextMonth(streamed);
        assertFalse(providerCalledWith(tenant.providerKey()), "OpenAI must not be called for a blocked customer");

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 2);
        assertEquals(2, events.size(), events.toString());
        events.forEach(e -> assertRejected(e, Provider.OPENAI));
        assertEquals("chat.completions", events.get(0).operation());
        assertEquals("gpt-4", events.get(0).model());
    }

    @Test
    void shouldRefuseElevenLabsAndSmartfloInTheirOwnFormats() {
        var tenant = GatewayTestSupport.newTenant();
        String voiceKey = GatewayTestSupport.storeCredential(tenant.customerId(), "elevenlabs");
        String callKey = GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        publish(status(tenant.customerId(),
                dimension(QuotaDimension.ELEVENLABS_CHARACTERS, "500000", "500000", "BLOCK"),
                dimension(QuotaDimension.SMARTFLO_MINUTES, "1200.5", "1000", "BLOCK")));

        ValidatableResponse voice = speech(tenant).statusCode(429).contentType(ContentType.JSON)
                .body("detail.status", equalTo("quota_exceeded"))
                .body("detail.message", equalTo("Monthly ElevenLabs character limit of 500,000 reached for "
                        + Months.of(Instant.now()) + "; ask your administrator to raise it."));
        assertRetryAfterIsNextMonth(voice);
        ValidatableResponse call = clickToCall(tenant).statusCode(429).contentType(ContentType.JSON)
                .body("success", equalTo(false))
                .body("message", equalTo("Monthly Smartflo call minute limit of 1,000 reached for "
                        + Months.of(Instant.now()) + "; ask your administrator to raise it."));
        assertRetryAfterIsNextMonth(call);
        assertFalse(providerCalledWith(voiceKey), "ElevenLabs must not be called");
        assertFalse(providerCalledWith(callKey), "Smartflo must not be called");
        // the customer's OpenAI quota is not limited: OpenAI calls go on
        chat(tenant, false).statusCode(200);

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 3);
        assertRejected(events.stream().filter(e -> e.provider() == Provider.ELEVENLABS).findFirst().orElseThrow(),
                Provider.ELEVENLABS);
        UsageEvent placed = events.stream().filter(e -> e.provider() == Provider.SMARTFLO).findFirst().orElseThrow();
        assertRejected(placed, Provider.SMARTFLO);
        assertEquals("click-to-call", placed.operation());
        assertEquals(Outcome.SUCCESS, events.stream().filter(e -> e.provider() == Provider.OPENAI).findFirst()
                .orElseThrow().outcome());
    }

    @Test
    void shouldBlockEveryProviderWhenTheTotalCostQuotaIsUsedUp() {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "elevenlabs");
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        publish(status(tenant.customerId(), dimension(QuotaDimension.TOTAL_COST_USD, "100.004", "100", "BLOCK"),
                dimension(QuotaDimension.OPENAI_TOKENS, "10", "1000000", "BLOCK")));

        String message = "Monthly cost limit of $100.00 for all providers reached for " + Months.of(Instant.now())
                + "; ask your administrator to raise it.";
        chat(tenant, false).statusCode(429).body("error.code", equalTo("quota_exceeded"))
                .body("error.message", equalTo(message));
        speech(tenant).statusCode(429).body("detail.message", equalTo(message));
        clickToCall(tenant).statusCode(429).body("message", equalTo(message));
    }

    @Test
    void shouldBlockOnlyOpenAiWhenOnlyTheTokenQuotaIsUsedUp() {
        var tenant = GatewayTestSupport.newTenant();
        String voiceKey = GatewayTestSupport.storeCredential(tenant.customerId(), "elevenlabs");
        publish(status(tenant.customerId(), tokensUsedUp("BLOCK"),
                dimension(QuotaDimension.TOTAL_COST_USD, "12.5", "100", "BLOCK")));

        chat(tenant, false).statusCode(429).body("error.code", equalTo("quota_exceeded"));
        speech(tenant).statusCode(200);
        assertTrue(providerCalledWith(voiceKey), "ElevenLabs is not blocked by the OpenAI token quota");
    }

    @Test
    void shouldLiftTheBlockAtOnceWhenANewerStatusAllowsTheCustomer() {
        var tenant = GatewayTestSupport.newTenant();
        Instant blockedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String month = Months.of(Instant.now()).toString();
        publish(status(tenant.customerId(), month, blockedAt, null, tokensUsedUp("BLOCK")));
        chat(tenant, false).statusCode(429);

        // The admin raised the limit: quota-service publishes a newer status under the limit.
        publish(status(tenant.customerId(), month, blockedAt.plusSeconds(1), null,
                dimension(QuotaDimension.OPENAI_TOKENS, "1000250", "2000000", "BLOCK")));
        chat(tenant, false).statusCode(200);
        assertTrue(providerCalledWith(tenant.providerKey()));
    }

    @Test
    void shouldIgnoreAnOlderStatusThatArrivesLate() {
        var tenant = GatewayTestSupport.newTenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String month = Months.of(now).toString();
        publish(status(tenant.customerId(), month, now, null,
                dimension(QuotaDimension.OPENAI_TOKENS, "5", "1000000", "BLOCK")));
        double staleBefore = metric("apimeter_gateway_quota_status_records_total{result=\"stale\"}");
        publishQuotaStatus(status(tenant.customerId(), month, now.minusSeconds(30), null, tokensUsedUp("BLOCK")));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> metric("apimeter_gateway_quota_status_records_total{result=\"stale\"}") > staleBefore);

        assertEquals(now, statuses.get(tenant.customerId()).updatedAt());
        chat(tenant, false).statusCode(200);
    }

    @Test
    void shouldNotBlockOnAStatusOfThePreviousMonth() {
        var tenant = GatewayTestSupport.newTenant();
        String lastMonth = Months.of(Instant.now()).minusMonths(1).toString();
        publish(status(tenant.customerId(), lastMonth, Instant.now(), null, tokensUsedUp("BLOCK"),
                dimension(QuotaDimension.TOTAL_COST_USD, "500", "100", "BLOCK")));

        chat(tenant, false).statusCode(200);
        assertTrue(providerCalledWith(tenant.providerKey()), "a new month starts unblocked");
    }

    @Test
    void shouldNotBlockAQuotaThatOnlyAlerts() {
        var tenant = GatewayTestSupport.newTenant();
        publish(status(tenant.customerId(), tokensUsedUp("ALERT_ONLY"),
                dimension(QuotaDimension.TOTAL_COST_USD, "250", "100", "ALERT_ONLY")));

        chat(tenant, false).statusCode(200);
        chat(tenant, true).statusCode(200);
        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 2);
        assertTrue(events.stream().allMatch(e -> e.outcome() == Outcome.SUCCESS), events.toString());
    }

    @Test
    void shouldAlwaysMeterSmartfloCallRecordsOfABlockedCustomer() throws Exception {
        var tenant = GatewayTestSupport.newTenant();
        GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        String callId = clickToCall(tenant).statusCode(200).extract().path("call_id");
        // the month's minutes are used up while the call runs
        publish(status(tenant.customerId(), dimension(QuotaDimension.SMARTFLO_MINUTES, "1000", "1000", "BLOCK"),
                dimension(QuotaDimension.TOTAL_COST_USD, "100", "100", "BLOCK")));
        clickToCall(tenant).statusCode(429);

        SmartfloWebhooks.post(tenant.customerId(), SmartfloWebhooks.issueSecret(tenant.customerId()),
                        SimulatorTestResource.simulator().completeCall(callId, 90))
                .statusCode(200).body("success", equalTo(true)).body("duplicate", equalTo(false));
        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 3);
        UsageEvent billed = events.stream().filter(e -> e.operation().equals("call")).findFirst().orElseThrow();
        assertEquals(Outcome.SUCCESS, billed.outcome());
        assertEquals(90, billed.usage().callSeconds());
    }

    @Test
    void shouldForgetAStatusOnATombstoneAndSkipUnreadableRecords() {
        var tenant = GatewayTestSupport.newTenant();
        publish(status(tenant.customerId(), tokensUsedUp("BLOCK")));
        chat(tenant, false).statusCode(429);

        double unreadableBefore = metric("apimeter_gateway_quota_status_records_total{result=\"unreadable\"}");
        KafkaTestClient.shared().send(Topics.QUOTA_STATUS, tenant.customerId(), "{not json");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                metric("apimeter_gateway_quota_status_records_total{result=\"unreadable\"}") > unreadableBefore);
        chat(tenant, false).statusCode(429);

        // quota-service removed the customer's quotas: a tombstone
        KafkaTestClient.shared().send(Topics.QUOTA_STATUS, tenant.customerId(), null);
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses.get(tenant.customerId()) == null);
        chat(tenant, false).statusCode(200);
        assertNull(statuses.get(tenant.customerId()));
    }

    @Test
    void shouldCountRejectedCallsByReasonAndReportReadinessOnceTheTopicIsRead() {
        var tenant = GatewayTestSupport.newTenant();
        String series = "apimeter_gateway_rejected_calls_total{provider=\"OPENAI\",reason=\"quota_exceeded\"}";
        double before = metric(series);
        publish(status(tenant.customerId(), tokensUsedUp("BLOCK")));
        chat(tenant, false).statusCode(429);
        chat(tenant, false).statusCode(429);
        assertEquals(before + 2, metric(series));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200).body("checks.name", hasItem("quota-status read")));
    }

    @Test
    void shouldSurfaceAUsedUpQuotaAsTheOpenAiSdksRateLimitExceptionWithoutRetrying() {
        var tenant = GatewayTestSupport.newTenant();
        publish(status(tenant.customerId(), tokensUsedUp("BLOCK")));
        String series = "apimeter_gateway_rejected_calls_total{provider=\"OPENAI\",reason=\"quota_exceeded\"}";
        double before = metric(series);
        // the SDK's default: retries on 429, unless the answer says not to
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(openAiBaseUrl.toString()).apiKey(tenant.apiKey())
                .maxRetries(2).build();

        RateLimitException e = assertThrows(RateLimitException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4").addUserMessage("Hello").build()));
        assertEquals(429, e.statusCode());
        assertEquals("quota_exceeded", e.code().orElseThrow());
        assertEquals("insufficient_quota", e.type().orElseThrow());
        assertTrue(e.getMessage().contains(TOKENS_USED_UP_MESSAGE_START), e.getMessage());
        assertEquals(before + 1, metric(series), "the SDK did not retry a call that cannot succeed this month");
    }

    /** A value of the Prometheus scrape, 0 when the series is not there yet. */
    static double metric(String series) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
