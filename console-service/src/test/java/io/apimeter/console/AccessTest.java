package io.apimeter.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ServicesStub.class)
class AccessTest {

    @BeforeEach
    void stubs() {
        Stubs.reset();
    }

    @Test
    @TestSecurity(user = "acme", roles = "customer")
    @OidcSecurity(claims = @Claim(key = "customer_id", value = "acme"))
    void shouldShowACustomerTheForbiddenPageOnEveryAdminPage() {
        for (String path : new String[] {"/admin/calls", "/admin/summaries", "/admin/customers", "/admin/quotas",
                "/admin/alerts", "/admin/prices", "/admin/customers/acme", "/admin/quotas/acme"}) {
            given().get(path).then().statusCode(403).contentType(containsString("text/html"))
                    .body(containsString("<h1 id=\"forbidden\">"), containsString("<main"),
                            containsString("id=\"nav-logout\""), not(containsString("id=\"nav-calls\"")));
        }
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void shouldSendAnAdminFromTheStartToTheCalls() {
        given().redirects().follow(false).get("/").then().statusCode(303)
                .header("Location", endsWith("/admin/calls"));
    }

    @Test
    @TestSecurity(user = "acme", roles = "customer")
    @OidcSecurity(claims = @Claim(key = "customer_id", value = "acme"))
    void shouldSendACustomerFromTheStartToItsDashboard() {
        given().redirects().follow(false).get("/").then().statusCode(303)
                .header("Location", endsWith("/dashboard"));
    }

    @Test
    @TestSecurity(user = "nobody", roles = "guest")
    void shouldShowAUserWithoutRoleTheForbiddenPage() {
        given().get("/").then().statusCode(403).body(containsString("<h1 id=\"forbidden\">"));
        given().get("/dashboard").then().statusCode(403).body(containsString("<h1 id=\"forbidden\">"));
    }

    @Test
    @TestSecurity(user = "admin", roles = "admin")
    void shouldShowTheForbiddenPageWhenAServiceRefusesTheUser() {
        Stubs.stub(Stubs.anyGet("/usage-logs").willReturn(Stubs.json(403,
                "{\"code\": \"forbidden\", \"message\": \"no access\"}")));
        given().get("/admin/calls").then().statusCode(403).body(containsString("<h1 id=\"forbidden\">"));
    }
}
