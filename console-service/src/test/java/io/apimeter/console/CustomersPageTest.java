package io.apimeter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.apimeter.console.Stubs.assertContains;
import static io.apimeter.console.Stubs.assertLacks;
import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ServicesStub.class)
@TestSecurity(user = "admin", roles = "admin")
class CustomersPageTest {

    static final String KEY = "amk_abcd1234_0123456789012345678901234567890123456789";

    @BeforeEach
    void stubs() {
        Stubs.reset();
        Stubs.stub(get(urlPathEqualTo("/admin/customers")).willReturn(Stubs.json(200, "[" + customer("ACTIVE") + "]")));
        Stubs.stub(get(urlPathEqualTo("/admin/customers/acme")).willReturn(Stubs.json(200, customer("ACTIVE"))));
        Stubs.stub(get(urlPathEqualTo("/admin/customers/acme/api-keys")).willReturn(Stubs.json(200,
                "[{\"id\": \"key-1\", \"prefix\": \"abcd1234\", \"name\": \"prod\", \"createdAt\": \"2026-11-01T00:00:00Z\","
                        + " \"revokedAt\": null, \"lastUsedAt\": null}]")));
        Stubs.stub(get(urlPathEqualTo("/admin/customers/acme/credentials")).willReturn(Stubs.json(200,
                "[{\"provider\": \"OPENAI\", \"maskedKey\": \"sk-...abcd\", \"updatedAt\": \"2026-11-01T00:00:00Z\"}]")));
    }

    static String customer(String status) {
        return "{\"id\": \"acme\", \"name\": \"Acme\", \"email\": \"ops@acme.test\", \"status\": \"" + status + "\","
                + " \"createdAt\": \"2026-11-01T00:00:00Z\", \"updatedAt\": \"2026-11-01T00:00:00Z\"}";
    }

    @Test
    void shouldListCustomersWithTheirStatus() {
        String html = given().get("/admin/customers").then().statusCode(200).extract().asString();
        assertContains(html, "<table id=\"customers\"", "<tr class=\"customer\" data-customer-id=\"acme\"",
                "<td data-col=\"status\">", "ACTIVE", "id=\"create-customer\"");
    }

    @Test
    void shouldShowMaskedCredentialsAndKeysWithRevokeButtons() {
        String html = given().get("/admin/customers/acme").then().statusCode(200).extract().asString();
        assertContains(html, "data-provider=\"OPENAI\"", "<span class=\"masked\">sk-...abcd",
                "<tr class=\"api-key\" data-key-id=\"key-1\"", "class=\"revoke-key", "id=\"toggle-status\"",
                "id=\"issue-key\"");
        assertLacks(html, "id=\"new-api-key\"");
    }

    @Test
    void shouldShowANewApiKeyOnceAndNeverAgain() {
        Stubs.stub(post(urlPathEqualTo("/admin/customers/acme/api-keys")).willReturn(Stubs.json(201,
                "{\"id\": \"key-2\", \"key\": \"" + KEY + "\", \"prefix\": \"abcd1234\", \"name\": \"ci\","
                        + " \"createdAt\": \"2026-11-02T00:00:00Z\"}")));
        Stubs.Csrf csrf = Stubs.csrf("/admin/customers/acme");

        String issued = given().cookie("csrf-token", csrf.cookie()).formParam("csrf-token", csrf.token())
                .formParam("name", "ci").post("/admin/customers/acme/api-keys")
                .then().statusCode(200).header("Cache-Control", "no-store").extract().asString();

        assertContains(issued, "id=\"new-api-key\"", "value=\"" + KEY + "\"", "id=\"copy-key\"");
        ServicesStub.server.verify(postRequestedFor(urlPathEqualTo("/admin/customers/acme/api-keys"))
                .withRequestBody(equalToJson("{\"name\": \"ci\"}")));
        String again = given().get("/admin/customers/acme").then().statusCode(200).extract().asString();
        assertLacks(again, KEY, "id=\"new-api-key\"");
    }

    @Test
    void shouldRefuseAFormPostedWithoutItsCsrfToken() {
        Stubs.stub(post(urlPathEqualTo("/admin/customers/acme/api-keys")).willReturn(Stubs.json(201, "{}")));
        given().formParam("name", "ci").post("/admin/customers/acme/api-keys").then().statusCode(400);
        Stubs.Csrf csrf = Stubs.csrf("/admin/customers/acme");
        given().cookie("csrf-token", csrf.cookie()).formParam("csrf-token", "forged-token").formParam("name", "ci")
                .post("/admin/customers/acme/api-keys").then().statusCode(400);
        ServicesStub.server.verify(0, postRequestedFor(urlPathEqualTo("/admin/customers/acme/api-keys")));
    }

    @Test
    void shouldCreateACustomerAndShowTheGatewaysRefusal() {
        Stubs.stub(post(urlPathEqualTo("/admin/customers")).willReturn(Stubs.json(409,
                "{\"code\": \"customer_exists\", \"message\": \"customer acme exists already\"}")));
        Stubs.Csrf csrf = Stubs.csrf("/admin/customers");
        String html = given().cookie("csrf-token", csrf.cookie()).formParam("csrf-token", csrf.token())
                .formParam("id", "acme").formParam("name", "Acme").formParam("email", "ops@acme.test")
                .post("/admin/customers").then().statusCode(409).extract().asString();
        assertContains(html, "<p id=\"error\"", "customer acme exists already", "value=\"Acme\"");
    }
}
