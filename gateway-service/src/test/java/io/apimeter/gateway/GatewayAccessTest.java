package io.apimeter.gateway;

import static io.apimeter.testkit.security.AccessTable.admin;
import static io.apimeter.testkit.security.AccessTable.open;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.TestTokens;
import io.apimeter.testkit.security.AccessTable;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Who may call which gateway endpoint. A new endpoint joins the table, or the first test fails. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class GatewayAccessTest {
    private static final String KEY = "00000000-0000-0000-0000-000000000001";

    static final AccessTable TABLE = AccessTable.of(
            admin("POST", "/admin/customers", "/admin/customers"),
            admin("GET", "/admin/customers", "/admin/customers"),
            admin("GET", "/admin/customers/{id}", "/admin/customers/acme"),
            admin("PATCH", "/admin/customers/{id}", "/admin/customers/acme"),
            admin("POST", "/admin/customers/{id}/api-keys", "/admin/customers/acme/api-keys"),
            admin("GET", "/admin/customers/{id}/api-keys", "/admin/customers/acme/api-keys"),
            admin("DELETE", "/admin/customers/{id}/api-keys/{keyId}", "/admin/customers/acme/api-keys/" + KEY),
            admin("PUT", "/admin/customers/{id}/credentials/{provider}", "/admin/customers/acme/credentials/openai"),
            admin("GET", "/admin/customers/{id}/credentials", "/admin/customers/acme/credentials"),
            admin("POST", "/admin/customers/{id}/smartflo/webhook-secret",
                    "/admin/customers/acme/smartflo/webhook-secret"),
            admin("GET", "/admin/prices", "/admin/prices"),
            admin("POST", "/admin/prices", "/admin/prices"),
            open("POST", "/openai/v1/chat/completions", "/openai/v1/chat/completions"),
            open("POST", "/openai/v1/responses", "/openai/v1/responses"),
            open("POST", "/openai/v1/embeddings", "/openai/v1/embeddings"),
            open("POST", "/openai/v1/completions", "/openai/v1/completions"),
            open("POST", "/elevenlabs/v1/text-to-speech/{voiceId}", "/elevenlabs/v1/text-to-speech/voice1"),
            open("POST", "/elevenlabs/v1/text-to-speech/{voiceId}/stream", "/elevenlabs/v1/text-to-speech/voice1/stream"),
            open("POST", "/smartflo/v1/click_to_call", "/smartflo/v1/click_to_call"),
            open("POST", "/smartflo/webhooks/cdr", "/smartflo/webhooks/cdr"),
            open("POST", "/smartflo/webhooks/cdr/{customerId}", "/smartflo/webhooks/cdr/acme"));

    @Test
    void shouldListEveryEndpointInTheAccessTable() {
        TABLE.assertListsEveryPublishedOperation();
    }

    @Test
    void shouldRefuseAdminEndpointsWithoutAValidTokenInJson() {
        TABLE.assertRefusesMissingAndInvalidTokens();
    }

    @Test
    void shouldRefuseEveryAdminEndpointToACustomer() {
        var tenant = GatewayTestSupport.newTenant();
        TABLE.assertCustomersCannotUseAdminEndpoints(tenant.customerId());
        // not even its own customer record, keys or credentials: those are the admin's
        given().auth().oauth2(TestTokens.customer(tenant.customerId()))
                .get("/admin/customers/{id}/credentials", tenant.customerId())
                .then().statusCode(403).body(not(containsString(tenant.providerKey())));
    }

    @Test
    void shouldNeverTakeAPlatformKeyForABearerTokenNorATokenForAPlatformKey() {
        var tenant = GatewayTestSupport.newTenant();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions").then().statusCode(200);
        given().contentType(ContentType.JSON).auth().oauth2(TestTokens.admin())
                .body(GatewayTestSupport.chatBody("gpt-4"))
                .post("/openai/v1/chat/completions")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .get("/admin/customers").then().statusCode(401).body("code", equalTo("unauthorized"));
    }
}
