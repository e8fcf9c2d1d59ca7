package io.apimeter.quota;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.apimeter.testkit.security.Callers.asCustomer;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static io.apimeter.testkit.security.AccessTable.admin;
import static io.apimeter.testkit.security.AccessTable.customerRead;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.TestTokens;
import io.apimeter.testkit.security.AccessTable;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Who may call which quota endpoint: admins set limits and the platform budget, a customer reads its own quota
 * and standing only (never the platform's).
 * A new endpoint joins the table, or the first test fails.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class QuotaAccessTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    static final AccessTable TABLE = AccessTable.of(
            admin("PUT", "/quotas/{customerId}", "/quotas/acme"),
            customerRead("/quotas/{customerId}", "/quotas/acme"),
            customerRead("/quotas/{customerId}/status", "/quotas/acme/status?month=2026-11"),
            admin("GET", "/platform/budget", "/platform/budget"),
            admin("PUT", "/platform/budget", "/platform/budget"),
            admin("GET", "/platform/status", "/platform/status?month=2026-11"));

    @Test
    void shouldListEveryEndpointInTheAccessTable() {
        TABLE.assertListsEveryPublishedOperation();
    }

    @Test
    void shouldRefuseEveryEndpointWithoutAValidTokenInJson() {
        TABLE.assertRefusesMissingAndInvalidTokens();
    }

    @Test
    void shouldRefuseQuotaChangesToACustomerEvenForItsOwnQuota() {
        String customer = newCustomer();
        TABLE.assertCustomersCannotUseAdminEndpoints(customer);
        putQuota(customer, 1000);

        asCustomer(customer).contentType(ContentType.JSON).body("{\"openaiTokens\": 999999999}")
                .when().put("/quotas/{id}", customer)
                .then().statusCode(403).body("code", equalTo("forbidden"));
        asAdmin().when().get("/quotas/{id}", customer)
                .then().statusCode(200).body("openaiTokens", equalTo(1000));
    }

    @Test
    void shouldShowACustomerItsOwnQuotaAndStandingAndNothingOfAnotherCustomer() {
        String a = newCustomer();
        String b = newCustomer();
        putQuota(a, 10000);
        putQuota(b, 20000);
        Instant now = Instant.now();
        KAFKA.publish(openai(a, 1000, now));
        KAFKA.publish(openai(b, 3000, now));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            asAdmin().when().get("/quotas/{id}/status", a).then().statusCode(200).body("calls", equalTo(1));
            asAdmin().when().get("/quotas/{id}/status", b).then().statusCode(200).body("calls", equalTo(1));
        });

        asCustomer(a).when().get("/quotas/{id}", a)
                .then().statusCode(200)
                .body("customerId", equalTo(a))
                .body("openaiTokens", equalTo(10000))
                .body(not(containsString(b)));
        asCustomer(a).when().get("/quotas/{id}/status", a)
                .then().statusCode(200)
                .body("customerId", equalTo(a))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("1000"))
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.limit", equalTo("10000"))
                .body(not(containsString(b)));

        // Another customer's quota and standing answer exactly as a customer that does not exist.
        asCustomer(a).when().get("/quotas/{id}", b)
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("code", equalTo("not_found"))
                .body(not(containsString(b)))
                .body(not(containsString("20000")));
        asCustomer(a).when().get("/quotas/{id}/status", b)
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("code", equalTo("not_found"))
                .body(not(containsString(b)))
                .body(not(containsString("3000")));
        asCustomer(a).queryParam("month", "2026-01").when().get("/quotas/{id}/status", b)
                .then().statusCode(404).body(not(containsString(b)));
        asCustomer(a).when().get("/quotas/{id}/status", newCustomer())
                .then().statusCode(404).body("code", equalTo("not_found"));

        asAdmin().when().get("/quotas/{id}", b)
                .then().statusCode(200).body("openaiTokens", equalTo(20000));
        asAdmin().when().get("/quotas/{id}/status", b)
                .then().statusCode(200)
                .body("dimensions.find { it.dimension == 'OPENAI_TOKENS' }.used", equalTo("3000"));
    }

    @Test
    void shouldRefuseACustomerTokenThatNamesNoCustomer() {
        String customer = newCustomer();
        putQuota(customer, 500);
        given().auth().oauth2(TestTokens.customerWithoutCustomerId()).when().get("/quotas/{id}", customer)
                .then().statusCode(403).body("code", equalTo("no_customer")).body(not(containsString("500")));
        given().auth().oauth2(TestTokens.customerWithoutCustomerId()).when().get("/quotas/{id}/status", customer)
                .then().statusCode(403).body("code", equalTo("no_customer")).body(not(containsString(customer)));
    }

    private static void putQuota(String customer, long openaiTokens) {
        asAdmin().contentType(ContentType.JSON).body("{\"openaiTokens\": " + openaiTokens + "}")
                .when().put("/quotas/{id}", customer)
                .then().statusCode(200);
    }
}
