package io.apimeter.testkit;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;

/**
 * A mock OpenID Connect provider for tests, one per JVM: Quarkus' OIDC test server (WireMock) publishing the
 * discovery document and the signing keys of a realm, so that services validate bearer tokens exactly as
 * they do against Keycloak. Tokens come from {@link TestTokens}.
 */
public final class TestIdentityProvider {
    /** The issuer the mock provider announces; every test token carries it. */
    public static final String ISSUER = "https://server.example.com";

    private static volatile TestIdentityProvider instance;

    private final String authServerUrl;

    private TestIdentityProvider(String authServerUrl) {
        this.authServerUrl = authServerUrl;
    }

    public static TestIdentityProvider get() {
        TestIdentityProvider current = instance;
        if (current == null) {
            synchronized (TestIdentityProvider.class) {
                current = instance;
                if (current == null) {
                    OidcWiremockTestResource server = new OidcWiremockTestResource();
                    Map<String, String> config = server.start();
                    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-oidc-shutdown"));
                    current = new TestIdentityProvider(config.get("keycloak.url") + "/realms/quarkus");
                    instance = current;
                }
            }
        }
        return current;
    }

    /** The value for {@code quarkus.oidc.auth-server-url} (env {@code OIDC_AUTH_SERVER_URL}). */
    public String authServerUrl() {
        return authServerUrl;
    }
}
