package io.apimeter.gateway;

import static io.apimeter.testkit.security.Callers.asAdmin;

import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Drives the gateway as an admin would, through its HTTP API only. */
final class GatewayTestSupport {
    private GatewayTestSupport() {
    }

    record Tenant(String customerId, String apiKey, String apiKeyId, String providerKey) {
    }

    /** A new customer with one platform key and an OpenAI key of its own. */
    static Tenant newTenant() {
        String customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", customerId, "name", "Customer " + customerId, "email", customerId + "@example.com"))
                .post("/admin/customers").then().statusCode(201);
        var issued = asAdmin().contentType(ContentType.JSON).body("{}")
                .post("/admin/customers/{id}/api-keys", customerId).then().statusCode(201).extract().jsonPath();
        String providerKey = "sk-own-" + UUID.randomUUID();
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", providerKey))
                .put("/admin/customers/{id}/credentials/openai", customerId).then().statusCode(200);
        return new Tenant(customerId, issued.getString("key"), issued.getString("id"), providerKey);
    }

    /** Stores the customer's own key for another provider; returns the key. */
    static String storeCredential(String customerId, String provider) {
        String key = provider + "-own-" + UUID.randomUUID();
        asAdmin().contentType(ContentType.JSON).body(Map.of("apiKey", key))
                .put("/admin/customers/{id}/credentials/{provider}", customerId, provider).then().statusCode(200);
        return key;
    }

    static String chatBody(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    /** The usage events published for a customer, waiting until at least {@code count} have arrived. */
    static List<UsageEvent> usageEvents(String customerId, int count) {
        try (KafkaTestClient kafka = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            return kafka.read("usage-events", r -> customerId.equals(r.key()), l -> l.size() >= count,
                            Duration.ofSeconds(30))
                    .stream().map(r -> EventJson.readUsageEvent(r.value())).toList();
        }
    }
}
