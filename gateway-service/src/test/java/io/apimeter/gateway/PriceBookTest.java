package io.apimeter.gateway;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static io.restassured.RestAssured.given;

import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.service.PriceBook;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class PriceBookTest {

    @Inject
    PriceBook priceBook;

    @Inject
    EntityManager entityManager;

    private static String newModel() {
        return "gpt-test-m" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> tokenPrice(String model, Object input, Object output, String effectiveFrom) {
        Map<String, Object> body = new HashMap<>(Map.of("provider", "OPENAI", "model", model, "unit", "TOKENS",
                "unitSize", 1000, "inputPrice", input, "outputPrice", output));
        if (effectiveFrom != null) {
            body.put("effectiveFrom", effectiveFrom);
        }
        return body;
    }

    private static io.restassured.response.ValidatableResponse post(Object body) {
        return asAdmin().contentType(ContentType.JSON).body(body).post("/admin/prices").then();
    }

    @Test
    void shouldAddAPriceAsTheNextVersionOfItsModelAndRefuseASecondOneFromTheSameInstant() {
        String model = newModel();
        post(tokenPrice(model, "0.005", "0.015", "2026-12-01T00:00:00Z"))
                .statusCode(201)
                .body("id", equalTo("openai/" + model + "/1")).body("version", equalTo(1))
                .body("provider", equalTo("OPENAI")).body("model", equalTo(model))
                .body("unit", equalTo("TOKENS")).body("unitSize", equalTo(1000))
                .body("inputPrice", equalTo("0.005")).body("outputPrice", equalTo("0.015"))
                .body("price", nullValue()).body("effectiveFrom", equalTo("2026-12-01T00:00:00Z"));
        // JSON numbers are taken as exact decimals too
        post(tokenPrice(model, new BigDecimal("0.0025"), new BigDecimal("0.000000000001"), "2027-01-01T00:00:00Z"))
                .statusCode(201)
                .body("id", equalTo("openai/" + model + "/2")).body("version", equalTo(2))
                .body("inputPrice", equalTo("0.0025")).body("outputPrice", equalTo("0.000000000001"));
        post(tokenPrice(model, "0.5", "0.5", "2026-12-01T00:00:00Z"))
                .statusCode(409).body("code", equalTo("price_exists"));

        asAdmin().get("/admin/prices").then().statusCode(200)
                .body("findAll { it.model == '" + model + "' }.version", contains(2, 1));
    }

    @Test
    void shouldAddCharacterAndSecondPricesForOneModelOrEveryModel() {
        String voiceModel = "eleven_test_" + UUID.randomUUID().toString().substring(0, 8);
        post(Map.of("provider", "ELEVENLABS", "model", voiceModel, "unit", "CHARACTERS", "unitSize", 10000,
                "price", "0.25", "effectiveFrom", "2999-01-01T00:00:00Z"))
                .statusCode(201).body("id", equalTo("elevenlabs/" + voiceModel + "/1"))
                .body("price", equalTo("0.25")).body("inputPrice", nullValue());
        post(Map.of("provider", "SMARTFLO", "model", "*", "unit", "SECONDS", "unitSize", 60, "price", "0.025",
                "effectiveFrom", "2999-01-01T00:00:00Z"))
                .statusCode(201).body("id", equalTo("smartflo/default/2")).body("version", equalTo(2));
    }

    @Test
    void shouldAnswerAnInvalidPriceWithTheFieldAtFaultAndStoreNothing() {
        String model = newModel();
        Map<String, Object> valid = tokenPrice(model, "0.005", "0.015", null);
        record Case(String field, Object value, String code) {
        }
        List<Case> cases = List.of(
                new Case("provider", null, "invalid_provider"),
                new Case("provider", "GEMINI", "invalid_provider"),
                new Case("model", null, "invalid_model"),
                new Case("model", "*", "invalid_model"),
                new Case("model", model + "-2024-08-06", "invalid_model"),
                new Case("model", "gpt 4o", "invalid_model"),
                new Case("unit", "CHARACTERS", "invalid_unit"),
                new Case("unit", null, "invalid_unit"),
                new Case("unitSize", 0, "invalid_unitSize"),
                new Case("unitSize", 1.5, "invalid_unitSize"),
                new Case("unitSize", null, "invalid_unitSize"),
                new Case("inputPrice", "-0.01", "invalid_inputPrice"),
                new Case("inputPrice", "0.0000000000001", "invalid_inputPrice"),
                new Case("inputPrice", "1e30", "invalid_inputPrice"),
                new Case("outputPrice", null, "invalid_outputPrice"),
                new Case("price", "0.3", "invalid_price"),
                new Case("effectiveFrom", "tomorrow", "invalid_effectiveFrom"),
                new Case("effectiveFrom", "1970-01-01T00:00:00Z", "invalid_effectiveFrom"));
        for (Case c : cases) {
            Map<String, Object> body = new HashMap<>(valid);
            body.put(c.field(), c.value());
            post(body).statusCode(400).body("code", equalTo(c.code()))
                    .body("message", containsString(c.field()));
        }
        post(Map.of("provider", "ELEVENLABS", "model", "*", "unit", "CHARACTERS", "unitSize", 10000))
                .statusCode(400).body("code", equalTo("invalid_price"));
        post(Map.of("provider", "ELEVENLABS", "model", "*", "unit", "CHARACTERS", "unitSize", 10000, "price", "0.3",
                "inputPrice", "0.1")).statusCode(400).body("code", equalTo("invalid_inputPrice"));
        Map<String, Object> notANumber = new HashMap<>(valid);
        notANumber.put("inputPrice", "abc");
        post(notANumber).statusCode(400).body("code", equalTo("invalid_json"))
                .body("message", containsString("inputPrice"));
        asAdmin().contentType(ContentType.JSON).body("{\"provider\": ").post("/admin/prices")
                .then().statusCode(400).body("code", equalTo("invalid_json"));
        asAdmin().contentType(ContentType.JSON).post("/admin/prices")
                .then().statusCode(400).body("code", equalTo("invalid_body"));

        asAdmin().get("/admin/prices").then().body("findAll { it.model == '" + model + "' }", empty());
    }

    @Test
    void shouldPriceACallByThePriceInEffectWhenItStartedAndNameItInTheEvent() {
        var tenant = GatewayTestSupport.newTenant();
        String model = newModel();
        post(tokenPrice(model, "0.01", "0.02", "2020-01-01T00:00:00Z")).statusCode(201);
        String tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        post(tokenPrice(model, "1.00", "2.00", tomorrow)).statusCode(201).body("version", equalTo(2));

        call(tenant, model + "-2025-01-31");
        UsageEvent first = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        // 1000 / 1K x $0.01 + 500 / 1K x $0.02: the price of tomorrow does not apply today
        assertEquals(new BigDecimal("0.02"), first.cost().amount());
        assertEquals("openai/" + model + "/1", first.cost().priceId());
        assertEquals(1, first.cost().priceVersion());
        assertEquals(model, first.pricedModel());

        String aMinuteAgo = Instant.now().minus(1, ChronoUnit.MINUTES).toString();
        post(tokenPrice(model, "0.1", "0.2", aMinuteAgo)).statusCode(201).body("version", equalTo(3));
        call(tenant, model);
        UsageEvent second = GatewayTestSupport.usageEvents(tenant.customerId(), 2).stream()
                .max(Comparator.comparing(UsageEvent::occurredAt)).orElseThrow();
        // 1000 / 1K x $0.1 + 500 / 1K x $0.2: a price effective from a minute ago applies at once
        assertEquals(new BigDecimal("0.2"), second.cost().amount());
        assertEquals("openai/" + model + "/3", second.cost().priceId());
        assertEquals(3, second.cost().priceVersion());
        assertFalse(second.cost().unpriced());
    }

    @Test
    void shouldChargeAPriceAddedThroughAnotherReplicaWithinTheRefreshInterval() {
        var tenant = GatewayTestSupport.newTenant();
        String model = newModel();
        String id = "openai/" + model + "/1";
        // another replica stores the price: only the database changes here
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "insert into price (id, provider, model, unit, input_per_unit, output_per_unit, unit_size,"
                                + " effective_from, version, created_at)"
                                + " values (?1, 'OPENAI', ?2, 'TOKENS', 0.004, 0.008, 1000, '2020-01-01T00:00:00Z', 1, now())")
                .setParameter(1, id).setParameter(2, model).executeUpdate());
        await().atMost(Duration.ofSeconds(10)).until(() -> id.equals(
                priceBook.price(Provider.OPENAI, model, Instant.now(), Usage.tokens(1, 1)).cost().priceId()));

        call(tenant, model);
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(id, event.cost().priceId());
        // 1000 / 1K x $0.004 + 500 / 1K x $0.008
        assertEquals(new BigDecimal("0.008"), event.cost().amount());
    }

    private static void call(GatewayTestSupport.Tenant tenant, String model) {
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .header("x-sim-prompt-tokens", "1000").header("x-sim-completion-tokens", "500")
                .body(GatewayTestSupport.chatBody(model))
                .post("/openai/v1/chat/completions").then().statusCode(200);
    }
}
