package io.apimeter.testkit.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.apimeter.testkit.TestTokens;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The table of a service's REST endpoints and who may call them. Every service keeps one in its tests; the
 * table must list exactly the operations the service publishes in its OpenAPI document, so a new endpoint
 * cannot be added without saying who may call it, and the checks here then run on it too.
 */
public final class AccessTable {

    /** Who may call an endpoint. */
    public enum Access {
        /** Admins only; a customer token gets 403. */
        ADMIN,
        /** Admins, and customers for their own customer's data only. */
        CUSTOMER_READ,
        /** No bearer token needed (the proxy routes take a platform API key instead). */
        PUBLIC
    }

    /**
     * @param method   HTTP method
     * @param template the path as the OpenAPI document names it, e.g. {@code /quotas/{customerId}}
     * @param sample   a concrete path to call, e.g. {@code /quotas/acme?month=2026-11}
     * @param access   who may call it
     */
    public record Endpoint(String method, String template, String sample, Access access) {
        public String operation() {
            return method.toUpperCase(Locale.ROOT) + " " + template;
        }
    }

    private final List<Endpoint> endpoints;

    private AccessTable(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    public static AccessTable of(Endpoint... endpoints) {
        return new AccessTable(List.of(endpoints));
    }

    public static Endpoint admin(String method, String template, String sample) {
        return new Endpoint(method, template, sample, Access.ADMIN);
    }

    public static Endpoint customerRead(String template, String sample) {
        return new Endpoint("GET", template, sample, Access.CUSTOMER_READ);
    }

    public static Endpoint open(String method, String template, String sample) {
        return new Endpoint(method, template, sample, Access.PUBLIC);
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The table lists exactly the operations of the service's OpenAPI document ({@code /q/openapi}). */
    public void assertListsEveryPublishedOperation() {
        JsonPath openApi = given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = openApi.getMap("paths");
        Set<String> published = new TreeSet<>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(m -> Set.of("get", "put", "post", "delete", "patch").contains(m))
                .forEach(m -> published.add(m.toUpperCase(Locale.ROOT) + " " + path)));
        Set<String> listed = endpoints.stream().map(Endpoint::operation).collect(Collectors.toCollection(TreeSet::new));
        if (!published.equals(listed)) {
            Set<String> missing = new TreeSet<>(published);
            missing.removeAll(listed);
            Set<String> stale = new TreeSet<>(listed);
            stale.removeAll(published);
            throw new AssertionError("the access table must list every endpoint; not listed: " + missing
                    + ", listed but not published: " + stale);
        }
    }

    /** Without a token, or with a token that is not valid, every protected endpoint answers 401 in JSON. */
    public void assertRefusesMissingAndInvalidTokens() {
        for (Endpoint endpoint : protectedEndpoints()) {
            expect(endpoint, given(), 401, "unauthorized", "no token");
            expect(endpoint, given().auth().oauth2(TestTokens.expiredAdmin()), 401, "unauthorized", "expired token");
            expect(endpoint, given().auth().oauth2(TestTokens.adminSignedByAStranger()), 401, "unauthorized",
                    "token signed by an unknown key");
            expect(endpoint, given().auth().oauth2(TestTokens.adminForAnotherAudience()), 401, "unauthorized",
                    "token for another audience");
            expect(endpoint, given().auth().oauth2("not-a-jwt"), 401, "unauthorized", "garbage token");
        }
    }

    /** A customer token (or a token with no role) gets 403 on every admin-only endpoint: customers write nothing. */
    public void assertCustomersCannotUseAdminEndpoints(String customerId) {
        for (Endpoint endpoint : endpoints) {
            if (endpoint.access() == Access.ADMIN) {
                expect(endpoint, given().auth().oauth2(TestTokens.customer(customerId)), 403, "forbidden",
                        "customer token");
                expect(endpoint, given().auth().oauth2(TestTokens.withoutRole()), 403, "forbidden", "token without role");
            }
            if (endpoint.access() == Access.CUSTOMER_READ) {
                expect(endpoint, given().auth().oauth2(TestTokens.withoutRole()), 403, "forbidden", "token without role");
            }
        }
    }

    private List<Endpoint> protectedEndpoints() {
        return endpoints.stream().filter(e -> e.access() != Access.PUBLIC).toList();
    }

    private static void expect(Endpoint endpoint, RequestSpecification request, int status, String code, String what) {
        boolean withBody = !endpoint.method().equals("GET") && !endpoint.method().equals("DELETE");
        try {
            (withBody ? request.contentType("application/json").body("{}") : request)
                    .request(endpoint.method(), endpoint.sample())
                    .then().statusCode(status).body("code", equalTo(code));
        } catch (AssertionError e) {
            throw new AssertionError(endpoint.operation() + " (" + endpoint.sample() + ") with " + what + ": "
                    + e.getMessage(), e);
        }
    }
}
