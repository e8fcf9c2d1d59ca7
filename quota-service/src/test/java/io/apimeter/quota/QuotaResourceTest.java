package io.apimeter.quota;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.quota.QuotaTestKafka.elevenlabs;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.quota.QuotaTestKafka.smartflo;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class QuotaResourceTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldStoreAQuotaAndAnswerItWithMoneyAsStrings() {
        String customer = newCustomer();
        asAdmin().contentType(ContentType.JSON)
                .body("{\"openaiTokens\": 1000000, \"elevenlabsCharacters\": null, \"smartfloMinutes\": 12.5,"
                        + " \"totalCostUsd\": \"100\", \"requestsPerMinute\": 60, \"warnAtPercent\": 75,"
                        + " \"enforcement\": \"BLOCK\"}")
                .when().put("/quotas/{id}", customer)
                .then().statusCode(200)
                .body("customerId", equalTo(customer))
                .body("openaiTokens", equalTo(1000000))
                .body("elevenlabsCharacters", nullValue())
                .body("smartfloMinutes", equalTo("12.5"))
                .body("totalCostUsd", equalTo("100"))
                .body("requestsPerMinute", equalTo(60))
                .body("warnAtPercent", equalTo(75))
                .body("enforcement", equalTo("BLOCK"))
                .body("updatedAt", notNullValue());

        asAdmin().when().get("/quotas/{id}", customer)
                .then().statusCode(200)
                .body("openaiTokens", equalTo(1000000))
                .body("smartfloMinutes", equalTo("12.5"))
                .body("totalCostUsd", equalTo("100"))
                .body("enforcement", equalTo("BLOCK"));
    }

    @Test
    void shouldTreatMissingLimitsAsUnlimitedWithDefaults() {
        String customer = newCustomer();
        asAdmin().contentType(ContentType.JSON).body("{\"openaiTokens\": 5}")
                .when().put("/quotas/{id}", customer).then().statusCode(200);
        asAdmin().contentType(ContentType.JSON).body("{}")
                .when().put("/quotas/{id}", customer)
                .then().statusCode(200)
                .body("openaiTokens", nullValue())
                .body("totalCostUsd", nullValue())
                .body("warnAtPercent", equalTo(80))
                .body("enforcement", equalTo("ALERT_ONLY"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"openaiTokens\": -1}|invalid_openaiTokens|openaiTokens",
            "{\"openaiTokens\": 1.5}|invalid_openaiTokens|openaiTokens",
            "{\"elevenlabsCharacters\": \"many\"}|invalid_elevenlabsCharacters|elevenlabsCharacters",
            "{\"smartfloMinutes\": true}|invalid_smartfloMinutes|smartfloMinutes",
            "{\"totalCostUsd\": \"-0.01\"}|invalid_totalCostUsd|totalCostUsd",
            "{\"totalCostUsd\": \"1e400\"}|invalid_totalCostUsd|totalCostUsd",
            "{\"requestsPerMinute\": 3000000000}|invalid_requestsPerMinute|requestsPerMinute",
            "{\"warnAtPercent\": 0}|invalid_warnAtPercent|warnAtPercent",
            "{\"warnAtPercent\": 100}|invalid_warnAtPercent|warnAtPercent",
            "{\"enforcement\": \"SOMETIMES\"}|invalid_enforcement|enforcement",
            "{\"openAiTokens\": 1000}|unknown_field|openAiTokens",
            "[1, 2]|invalid_body|JSON object",
    })
    void shouldRejectAnInvalidQuotaWithTheFieldNamed(String body, String code, String field) {
        String customer = newCustomer();
        asAdmin().contentType(ContentType.JSON).body(body)
                .when().put("/quotas/{id}", customer)
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("code", equalTo(code))
                .body("message", containsString(field));
        asAdmin().when().get("/quotas/{id}", customer).then().statusCode(404);
    }

    @Test
    void shouldAnswerMalformedJsonWithA400JsonError() {
        asAdmin().contentType(ContentType.JSON).body("{\"openaiTokens\": ")
                .when().put("/quotas/{id}", newCustomer())
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("code", notNullValue())
                .body("message", notNullValue());
    }

    @Test
    void shouldRejectAnInvalidCustomerIdOrMonth() {
        asAdmin().contentType(ContentType.JSON).body("{}")
                .when().put("/quotas/{id}", "bad id!")
                .then().statusCode(400).body("code", equalTo("invalid_customerId"));
        asAdmin().queryParam("month", "2025-13")
                .when().get("/quotas/{id}/status", newCustomer())
                .then().statusCode(400).body("code", equalTo("invalid_month"));
    }

    @Test
    void shouldAnswer404ForACustomerWithoutQuota() {
        asAdmin().when().get("/quotas/{id}", newCustomer())
                .then().statusCode(404)
                .contentType(ContentType.JSON)
                .body("code", equalTo("not_found"));
    }

    @Test
    void shouldReportZerosForACustomerWithNothing() {
        String customer = newCustomer();
        asAdmin().when().get("/quotas/{id}/status", customer)
                .then().statusCode(200)
                .body("customerId", equalTo(customer))
                .body("month", equalTo(YearMonth.now(ZoneOffset.UTC).toString()))
                .body("costUsd", equalTo("0"))
                .body("calls", equalTo(0))
                .body("dimensions", hasSize(4))
                .body("dimensions.dimension", org.hamcrest.Matchers.contains("OPENAI_TOKENS",
                        "ELEVENLABS_CHARACTERS", "SMARTFLO_MINUTES", "TOTAL_COST_USD"))
                .body("dimensions.used", org.hamcrest.Matchers.everyItem(equalTo("0")))
                .body("dimensions.limit", org.hamcrest.Matchers.everyItem(nullValue()))
                .body("dimensions.percent", org.hamcrest.Matchers.everyItem(nullValue()))
                .body("dimensions.enforcement", org.hamcrest.Matchers.everyItem(equalTo("ALERT_ONLY")))
                .body("dimensions.state", org.hamcrest.Matchers.everyItem(equalTo("OK")))
                .body("blocked", equalTo(false))
                .body("summary", equalTo("Nothing used in " + YearMonth.now(ZoneOffset.UTC) + " (no limits)"));
    }

    @Test
    void shouldAnswerTheSentenceAPersonReadsAndEachDimensionsStanding() {
        String customer = newCustomer();
        asAdmin().contentType(ContentType.JSON)
                .body("{\"openaiTokens\": 1000000, \"totalCostUsd\": \"200\", \"requestsPerMinute\": 60,"
                        + " \"warnAtPercent\": 60}")
                .when().put("/quotas/{id}", customer).then().statusCode(200);
        KAFKA.publish(openai(customer, 620_000, "18.60", Instant.now()));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin()
                .when().get("/quotas/{id}/status", customer)
                .then().statusCode(200)
                .body("calls", equalTo(1))
                .body("summary", equalTo("62% of token limit used, $18.60 of $200 budget used"))
                .body("costSoFarUsd", equalTo("18.6"))
                .body("costUsd", equalTo("18.6"))
                .body("blocked", equalTo(false))
                .body("enforcement", equalTo("ALERT_ONLY"))
                .body("warnAtPercent", equalTo(60))
                .body("dimensions.dimension", org.hamcrest.Matchers.contains("OPENAI_TOKENS", "ELEVENLABS_CHARACTERS",
                        "SMARTFLO_MINUTES", "TOTAL_COST_USD", "REQUESTS_PER_MINUTE"))
                .body("dimensions.unit", org.hamcrest.Matchers.contains("tokens", "characters", "minutes", "USD",
                        "requests/minute"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent", equalTo("62.00"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.state", equalTo("WARNING"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.warnAtPercent", equalTo(60))
                .body("dimensions.find { it.dimension == 'TOTAL_COST_USD' }.percent", equalTo("9.30"))
                .body("dimensions.find { it.dimension == 'TOTAL_COST_USD' }.state", equalTo("OK"))
                .body("dimensions.find { it.dimension == 'REQUESTS_PER_MINUTE' }.limit", equalTo("60")));

        // An earlier month: the four monthly dimensions, nothing used, and the limits it had: none, the quota was
        // set this month.
        String earlier = YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();
        status(customer, earlier)
                .body("dimensions", hasSize(4))
                .body("dimensions.limit", org.hamcrest.Matchers.everyItem(nullValue()))
                .body("blocked", equalTo(false))
                .body("summary", equalTo("Nothing used in " + earlier + " (no limits)"));
    }

    @Test
    void shouldReportUsageWithoutQuotaAndPercentOnceLimitsAreSet() {
        String customer = newCustomer();
        Instant at = Instant.now();
        String month = YearMonth.from(at.atOffset(ZoneOffset.UTC)).toString();
        KAFKA.publish(openai(customer, 1234, at));
        KAFKA.publish(elevenlabs(customer, 500, at));
        KAFKA.publish(smartflo(customer, 90, "0.03", at));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> status(customer, month)
                .body("calls", equalTo(3))
                .body("costUsd", equalTo("0.07"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("1234"))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.used", equalTo("500"))
                .body("dimensions.find { it.dimension == 'SMARTFLO_MINUTES' }.used", equalTo("1.5"))
                .body("dimensions.find { it.dimension == 'TOTAL_COST_USD' }.used", equalTo("0.07"))
                .body("dimensions.limit", org.hamcrest.Matchers.everyItem(nullValue())));

        asAdmin().contentType(ContentType.JSON)
                .body("{\"openaiTokens\": 10000, \"elevenlabsCharacters\": 0, \"smartfloMinutes\": \"4.5\","
                        + " \"totalCostUsd\": 0.21}")
                .when().put("/quotas/{id}", customer).then().statusCode(200);
        status(customer, month)
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.limit", equalTo("10000"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.percent", equalTo("12.34"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.exceeded", equalTo(false))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.percent", equalTo("100.00"))
                .body("dimensions.find { it.dimension == 'ELEVENLABS_CHARACTERS' }.exceeded", equalTo(true))
                .body("dimensions.find { it.dimension == 'SMARTFLO_MINUTES' }.percent", equalTo("33.33"))
                .body("dimensions.find { it.dimension == 'TOTAL_COST_USD' }.limit", equalTo("0.21"))
                .body("dimensions.find { it.dimension == 'TOTAL_COST_USD' }.percent", equalTo("33.33"));
    }

    private static io.restassured.response.ValidatableResponse status(String customer, String month) {
        return asAdmin().queryParam("month", month)
                .when().get("/quotas/{id}/status", customer)
                .then().statusCode(200);
    }
}
