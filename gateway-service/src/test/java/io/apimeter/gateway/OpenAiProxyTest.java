package io.apimeter.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.UsageEvent;
import io.apimeter.simulator.RecordedRequest;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.security.Callers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class OpenAiProxyTest {

    @Test
    void shouldForwardWithTheCustomersOwnKeyAndReturnTheAnswerUnchanged() {
        var tenant = GatewayTestSupport.newTenant();
        Instant before = Instant.now();
        String answer = given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + tenant.apiKey())
                .header("x-sim-prompt-tokens", "1000").header("x-sim-completion-tokens", "500")
                .body(GatewayTestSupport.chatBody("gpt-4-0613"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("object", equalTo("chat.completion"))
                .body("usage.prompt_tokens", equalTo(1000)).body("usage.completion_tokens", equalTo(500))
                .extract().asString();

        RecordedRequest upstream = lastUpstreamRequest(tenant.providerKey());
        assertEquals("Bearer " + tenant.providerKey(), upstream.headers().get("authorization"));
        assertFalse(upstream.headers().toString().contains(tenant.apiKey()), "the platform key must not reach the provider");
        assertEquals(GatewayTestSupport.chatBody("gpt-4-0613"), upstream.body());

        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(tenant.customerId(), event.customerId());
        assertEquals(tenant.apiKeyId(), event.apiKeyId());
        assertEquals(Provider.OPENAI, event.provider());
        assertEquals("chat.completions", event.operation());
        assertEquals("gpt-4-0613", event.model());
        assertEquals("gpt-4", event.pricedModel());
        assertEquals(Outcome.SUCCESS, event.outcome());
        assertEquals(200, event.httpStatus());
        assertEquals(1000, event.usage().inputTokens());
        assertEquals(500, event.usage().outputTokens());
        // 1000 / 1K x $0.03 + 500 / 1K x $0.06
        assertEquals(new BigDecimal("0.06"), event.cost().amount());
        assertEquals("openai/gpt-4/1", event.cost().priceId());
        assertFalse(event.occurredAt().isBefore(before.minusSeconds(1)));
        assertTrue(answer.contains("chatcmpl-"), answer);
    }

    @Test
    void shouldPriceGpt35TurboAndKeepCachedAndReasoningTokens() {
        var tenant = GatewayTestSupport.newTenant();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .header("x-sim-prompt-tokens", "2000").header("x-sim-completion-tokens", "1000")
                .header("x-sim-cached-tokens", "1500").header("x-sim-reasoning-tokens", "200")
                .body(GatewayTestSupport.chatBody("gpt-3.5-turbo-0125"))
                .post("/openai/v1/chat/completions").then().statusCode(200);
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals("gpt-3.5-turbo", event.pricedModel());
        assertEquals(1500, event.usage().cachedInputTokens());
        assertEquals(200, event.usage().reasoningTokens());
        // 2000 / 1K x $0.0005 + 1000 / 1K x $0.0015
        assertEquals(new BigDecimal("0.0025"), event.cost().amount());
    }

    @Test
    void shouldRecordAModelWithoutPriceAsUnpricedNeverAsFree() {
        var tenant = GatewayTestSupport.newTenant();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .header("x-sim-prompt-tokens", "10").header("x-sim-completion-tokens", "10")
                .body(GatewayTestSupport.chatBody("gpt-4o-2024-08-06"))
                .post("/openai/v1/chat/completions").then().statusCode(200);
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertTrue(event.cost().unpriced());
        assertNull(event.cost().amount());
        assertNull(event.pricedModel());
        assertEquals(20, event.usage().totalTokens());
    }

    @Test
    void shouldRefuseAMissingOrWrongKeyInOpenAisFormatWithoutCallingTheProvider() {
        int before = SimulatorTestResource.simulator().requests().size();
        given().contentType(ContentType.JSON).body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(401).body("error.type", equalTo("invalid_request_error"))
                .body("error.code", nullValue());
        given().contentType(ContentType.JSON).header("Authorization", "Bearer amk_AAAAAAAA_" + "B".repeat(40))
                .body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer sk-something-else")
                .body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        var tenant = GatewayTestSupport.newTenant();
        String tampered = tenant.apiKey().substring(0, tenant.apiKey().length() - 1)
                + (tenant.apiKey().endsWith("A") ? "B" : "A");
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tampered)
                .body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        assertEquals(before, SimulatorTestResource.simulator().requests().size());
    }

    @Test
    void shouldPassAProviderErrorThroughAndRecordItsOutcome() {
        var tenant = GatewayTestSupport.newTenant();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .header("x-sim-status", "429")
                .body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded"));
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(Outcome.PROVIDER_ERROR, event.outcome());
        assertEquals(429, event.httpStatus());
        assertEquals(0, event.usage().totalTokens());
        assertEquals(0, BigDecimal.ZERO.compareTo(event.cost().amount()));
    }

    @Test
    void shouldRecordAnUnreachableProviderAndAnswerInOpenAisFormat() {
        var tenant = GatewayTestSupport.newTenant();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .header("x-sim-close", "true")
                .body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(502).body("error.type", equalTo("server_error"));
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(Outcome.PROVIDER_UNREACHABLE, event.outcome());
    }

    @Test
    void shouldStopAcceptingARevokedKeyWithinASecond() {
        var tenant = GatewayTestSupport.newTenant();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody("gpt-4")).post("/openai/v1/chat/completions")
                .then().statusCode(200);
        Callers.asAdmin().delete("/admin/customers/{id}/api-keys/{key}", tenant.customerId(), tenant.apiKeyId())
                .then().statusCode(204);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                        .body(GatewayTestSupport.chatBody("gpt-4")).post("/openai/v1/chat/completions")
                        .then().statusCode(401));
        Callers.asAdmin().get("/admin/customers/{id}/api-keys", tenant.customerId()).then()
                .body("[0].revokedAt", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void shouldKeepTheLastUsedTimeOfAKey() {
        var tenant = GatewayTestSupport.newTenant();
        Callers.asAdmin().get("/admin/customers/{id}/api-keys", tenant.customerId())
                .then().body("[0].lastUsedAt", nullValue());
        Instant before = Instant.now().minusSeconds(1);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody("gpt-4")).post("/openai/v1/chat/completions")
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String lastUsed = Callers.asAdmin().get("/admin/customers/{id}/api-keys", tenant.customerId())
                    .then().extract().path("[0].lastUsedAt");
            assertTrue(lastUsed != null && !Instant.parse(lastUsed).isBefore(before), "lastUsedAt: " + lastUsed);
        });
    }

    @Test
    void shouldRefuseAModelNameLongerThanTheGatewayMetersWithoutCallingTheProvider() {
        var tenant = GatewayTestSupport.newTenant();
        int before = SimulatorTestResource.simulator().requests().size();
        String tooLong = "gpt-4-" + "x".repeat(251);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody(tooLong))
                .post("/openai/v1/chat/completions")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("The model name is longer than 256 characters."));
        assertEquals(before, SimulatorTestResource.simulator().requests().size(), "the provider was called");
        // 256 characters still go through, and are metered as sent.
        String longest = "gpt-4-" + "x".repeat(250);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody(longest))
                .post("/openai/v1/chat/completions").then().statusCode(200);
        assertEquals(longest, GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0).model());
    }

    private static RecordedRequest lastUpstreamRequest(String providerKey) {
        List<RecordedRequest> requests = SimulatorTestResource.simulator().requests();
        return requests.stream().filter(r -> ("Bearer " + providerKey).equals(r.headers().get("authorization")))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("the provider never saw the customer's key"));
    }
}
