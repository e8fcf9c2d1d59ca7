package io.apimeter.gateway;

import static io.apimeter.testkit.security.Callers.asAdmin;

import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
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

    /** Publishes a customer's quota status as quota-service does: key customerId, JSON, CloudEvents headers. */
    static void publishQuotaStatus(QuotaStatus status) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        CloudEventHeaders.of(UUID.randomUUID(), QuotaStatus.TYPE, KafkaTestClient.SOURCE, status.updatedAt(),
                status.customerId()).forEach((name, value) -> headers.put(name, new String(value,
                java.nio.charset.StandardCharsets.UTF_8)));
        KafkaTestClient.shared().send(Topics.QUOTA_STATUS, status.customerId(), EventJson.write(status), headers);
    }

    /** A quota status of the current UTC month, computed now. */
    static QuotaStatus status(String customerId, QuotaStatus.Dimension... dimensions) {
        return status(customerId, Months.of(Instant.now()).toString(), Instant.now(), null, dimensions);
    }

    static QuotaStatus status(String customerId, String month, Instant updatedAt, Instant rateLimitedUntil,
                              QuotaStatus.Dimension... dimensions) {
        boolean blocked = java.util.Arrays.stream(dimensions).anyMatch(d -> "BLOCK".equals(d.enforcement())
                && d.dimension() != QuotaDimension.REQUESTS_PER_MINUTE && d.limit() != null
                && d.used().compareTo(d.limit()) >= 0);
        return new QuotaStatus(customerId, month, blocked, List.of(dimensions), rateLimitedUntil, updatedAt);
    }

    /** One dimension of a status, its percent computed as quota-service does. */
    static QuotaStatus.Dimension dimension(QuotaDimension dimension, String used, String limit, String enforcement) {
        BigDecimal usedValue = new BigDecimal(used);
        BigDecimal limitValue = limit == null ? null : new BigDecimal(limit);
        BigDecimal percent = limitValue == null || limitValue.signum() == 0 ? null
                : usedValue.multiply(BigDecimal.valueOf(100)).divide(limitValue, 2, RoundingMode.HALF_UP);
        return new QuotaStatus.Dimension(dimension, usedValue, limitValue, percent, enforcement);
    }

    /** Whether the simulator received any request carrying this customer's own provider key. */
    static boolean providerCalledWith(String providerKey) {
        return SimulatorTestResource.simulator().requests().stream()
                .anyMatch(r -> r.headers().values().stream().anyMatch(v -> v.contains(providerKey)));
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
