package io.apimeter.gateway;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class AdminApiTest {

    @Inject
    EntityManager entityManager;

    @Test
    void shouldCreateACustomerAndRefuseADuplicate() {
        asAdmin().contentType(ContentType.JSON).body(Map.of("id", "acme-admin-1", "name", "Acme", "email", "ops@acme.test"))
                .post("/admin/customers")
                .then().statusCode(201).header("Location", containsString("/admin/customers/acme-admin-1"))
                .body("id", equalTo("acme-admin-1")).body("status", equalTo("ACTIVE"));
        asAdmin().get("/admin/customers/acme-admin-1").then().statusCode(200).body("email", equalTo("ops@acme.test"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("id", "acme-admin-1", "name", "Acme", "email", "ops@acme.test"))
                .post("/admin/customers")
                .then().statusCode(409).body("code", equalTo("customer_exists"));
    }

    @Test
    void shouldAnswerBadInputWithAClearJsonError() {
        asAdmin().contentType(ContentType.JSON).body(Map.of("id", "bad id!", "name", "x", "email", "a@b.co"))
                .post("/admin/customers").then().statusCode(400).body("code", equalTo("invalid_id"))
                .body("message", containsString("id"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("id", "platform", "name", "x", "email", "a@b.co"))
                .post("/admin/customers").then().statusCode(400).body("code", equalTo("invalid_id"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("id", "ok-id", "name", "x", "email", "not-an-email"))
                .post("/admin/customers").then().statusCode(400).body("code", equalTo("invalid_email"));
        asAdmin().contentType(ContentType.JSON).body("{\"id\": \"broken\"")
                .post("/admin/customers").then().statusCode(400).body("code", equalTo("invalid_json"))
                .body(not(containsString("Exception")));
        asAdmin().contentType(ContentType.JSON).body("{\"id\": [1,2]}")
                .post("/admin/customers").then().statusCode(400).body("code", equalTo("invalid_json"));
        asAdmin().get("/admin/customers/nobody-here").then().statusCode(404).body("code", equalTo("not_found"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", "sk-123456789"))
                .put("/admin/customers/nobody-here/credentials/gemini").then().statusCode(400)
                .body("code", equalTo("invalid_provider"));
        asAdmin().delete("/admin/customers/nobody-here/api-keys/not-a-uuid").then().statusCode(400)
                .body("code", equalTo("invalid_keyId"));
    }

    @Test
    void shouldShowAnApiKeyOnceAndStoreOnlyItsHash() {
        var tenant = GatewayTestSupport.newTenant();
        assertTrue(tenant.apiKey().startsWith("amk_"), tenant.apiKey());
        asAdmin().get("/admin/customers/{id}/api-keys", tenant.customerId())
                .then().statusCode(200).body("$", hasSize(1))
                .body("[0].prefix", equalTo(tenant.apiKey().substring(0, 12)))
                .body("[0].key", nullValue())
                .body(not(containsString(tenant.apiKey())));
        asAdmin().get("/admin/customers/{id}/credentials", tenant.customerId())
                .then().statusCode(200)
                .body("[0].provider", equalTo("openai"))
                .body("[0].maskedKey", startsWith("sk-..."))
                .body(not(containsString(tenant.providerKey())));

        String everyRow = dumpTables();
        assertFalse(everyRow.contains(tenant.apiKey()), "the platform API key is stored in plain text");
        assertFalse(everyRow.contains(tenant.apiKey().substring(13)), "the key's secret part is stored in plain text");
        assertFalse(everyRow.contains(tenant.providerKey()), "the provider key is stored in plain text");
        assertTrue(everyRow.contains(tenant.customerId()), "the dump must see the rows it checks");
    }

    @Test
    void shouldReplaceACredentialAndKeepItMasked() {
        var tenant = GatewayTestSupport.newTenant();
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", "sk-second-key-0000-9999"))
                .put("/admin/customers/{id}/credentials/openai", tenant.customerId())
                .then().statusCode(200).body("maskedKey", equalTo("sk-...9999")).body("updatedAt", notNullValue());
        asAdmin().get("/admin/customers/{id}/credentials", tenant.customerId()).then().body("$", hasSize(1));
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", "short"))
                .put("/admin/customers/{id}/credentials/openai", tenant.customerId())
                .then().statusCode(400).body("code", equalTo("invalid_apiKey"));
    }

    @Test
    void shouldListTheDefaultPrices() {
        asAdmin().get("/admin/prices").then().statusCode(200)
                .body("find { it.model == 'gpt-4' }.inputPrice", equalTo("0.03"))
                .body("find { it.model == 'gpt-4' }.outputPrice", equalTo("0.06"))
                .body("find { it.model == 'gpt-3.5-turbo' }.inputPrice", equalTo("0.0005"))
                .body("find { it.provider == 'ELEVENLABS' }.price", equalTo("0.3"));
    }

    /** Every row of the gateway's tables as text, byte columns decoded as UTF-8 too. */
    @SuppressWarnings("unchecked")
    private String dumpTables() {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("customer", "api_key", "provider_credential")) {
            List<Object[]> rows = entityManager.createNativeQuery("select * from " + table).getResultList();
            for (Object[] row : rows) {
                for (Object value : row) {
                    all.append(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value))
                            .append('|');
                }
            }
        }
        return all.toString();
    }
}
