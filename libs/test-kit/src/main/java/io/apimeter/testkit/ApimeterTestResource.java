package io.apimeter.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} a real Kafka broker, a real PostgreSQL database and an OpenID Connect provider
 * whose tokens come from {@link TestTokens}:
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;WithTestResource(value = ApimeterTestResource.class,
 *         initArgs = &#64;ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
 * class QuotaResourceTest { ... }
 * </pre>
 *
 * The broker and the server are started once per JVM and shared; the named database is created on first
 * use. Dev Services are switched off, so nothing asks for Docker, and nothing breaks where Docker exists.
 */
public class ApimeterTestResource implements QuarkusTestResourceLifecycleManager {
    /** Init argument: the database this service uses; without it no datasource is configured. */
    public static final String DATABASE = "database";

    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get(DATABASE);
    }

    @Override
    public Map<String, String> start() {
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", infrastructure.kafkaBootstrapServers());
        config.put("quarkus.devservices.enabled", "false");
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("quarkus.datasource.devservices.enabled", "false");
        config.put("quarkus.oidc.auth-server-url", TestIdentityProvider.get().authServerUrl());
        config.put("quarkus.oidc.token.audience", TestTokens.AUDIENCE);
        if (database != null) {
            config.put("quarkus.datasource.jdbc.url", infrastructure.postgres().createDatabase(database));
            config.put("quarkus.datasource.username", EmbeddedPostgresServer.USER);
            config.put("quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
        }
        return config;
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; stopped by a shutdown hook when the JVM exits.
    }
}
