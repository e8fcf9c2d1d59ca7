package io.apimeter.gateway;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.CustomerRecord;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Every change of a customer reaches the compacted customers topic (through the outbox), in order; PATCH
 * validates its input; a DISABLED customer's platform keys are refused on the proxy.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class CustomersTopicTest {

    @Inject
    EntityManager entityManager;

    static List<ConsumerRecord<String, String>> customerRecords(String customerId, int count) {
        return KafkaTestClient.shared().readKey(Topics.CUSTOMERS, customerId, found -> found.size() >= count,
                Duration.ofSeconds(30));
    }

    private static String newCustomerId() {
        return "c-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void shouldPublishTheCreatedCustomerAndEveryChangeInOrder() {
        String id = newCustomerId();
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("id", id, "name", "Globex", "email", "ops@globex.test"))
                .post("/admin/customers").then().statusCode(201);
        asAdmin().contentType(ContentType.JSON).body(Map.of("email", "billing@globex.test"))
                .patch("/admin/customers/{id}", id).then().statusCode(200)
                .body("email", equalTo("billing@globex.test")).body("name", equalTo("Globex"))
                .body("status", equalTo("ACTIVE"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "Globex Corp", "status", "disabled"))
                .patch("/admin/customers/{id}", id).then().statusCode(200)
                .body("name", equalTo("Globex Corp")).body("status", equalTo("DISABLED"));
        asAdmin().get("/admin/customers/{id}", id).then().statusCode(200)
                .body("email", equalTo("billing@globex.test")).body("status", equalTo("DISABLED"));

        List<ConsumerRecord<String, String>> records = customerRecords(id, 3);
        assertEquals(3, records.size(), records.toString());
        List<CustomerRecord> values = records.stream().map(r -> EventJson.readCustomer(r.value())).toList();
        assertEquals(List.of("ops@globex.test", "billing@globex.test", "billing@globex.test"),
                values.stream().map(CustomerRecord::contactEmail).toList());
        assertEquals(List.of("Globex", "Globex", "Globex Corp"), values.stream().map(CustomerRecord::name).toList());
        assertEquals(List.of("ACTIVE", "ACTIVE", "DISABLED"), values.stream().map(CustomerRecord::status).toList());
        assertTrue(values.get(0).updatedAt().isBefore(values.get(1).updatedAt())
                && values.get(1).updatedAt().isBefore(values.get(2).updatedAt()), values.toString());
        for (ConsumerRecord<String, String> record : records) {
            assertEquals(id, record.key());
            assertEquals(id, EventJson.readCustomer(record.value()).customerId());
            assertEquals(CustomerRecord.TYPE, KafkaTestClient.header(record, CloudEventHeaders.TYPE));
            assertEquals(id, KafkaTestClient.header(record, CloudEventHeaders.SUBJECT));
            assertEquals("apimeter/gateway-service", KafkaTestClient.header(record, CloudEventHeaders.SOURCE));
            assertEquals(EventJson.readCustomer(record.value()).updatedAt(),
                    Instant.parse(KafkaTestClient.header(record, CloudEventHeaders.TIME)));
        }
        assertEquals(3, new HashSet<>(records.stream().map(r -> KafkaTestClient.header(r, CloudEventHeaders.ID))
                .toList()).size(), "each record has an id of its own");
        assertEquals(records.get(0).partition(), records.get(2).partition());
        assertTrue(records.get(0).offset() < records.get(1).offset() && records.get(1).offset() < records.get(2).offset());
    }

    @Test
    void shouldWriteNothingWhenAPatchChangesNothing() {
        var tenant = GatewayTestSupport.newTenant();
        asAdmin().contentType(ContentType.JSON).body(Map.of("status", "ACTIVE", "email", tenant.customerId() + "@example.com"))
                .patch("/admin/customers/{id}", tenant.customerId()).then().statusCode(200);
        Number rows = (Number) entityManager.createNativeQuery(
                        "select count(*) from customer_outbox where customer_id = :id")
                .setParameter("id", tenant.customerId()).getSingleResult();
        assertEquals(1, rows.intValue(), "only the record of the creation");
    }

    @Test
    void shouldAnswerABadPatchWithAClearJsonError() {
        var tenant = GatewayTestSupport.newTenant();
        String id = tenant.customerId();
        asAdmin().contentType(ContentType.JSON).body("{}").patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_body"));
        asAdmin().contentType(ContentType.JSON).body("{\"name\": null}").patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_body"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("email", "not-an-email")).patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_email"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", " ")).patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_name"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "x".repeat(201))).patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_name"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("status", "PAUSED")).patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_status"))
                .body("message", containsString("ACTIVE"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("status", "")).patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_status"));
        asAdmin().contentType(ContentType.JSON).body("{\"email\": ").patch("/admin/customers/{id}", id)
                .then().statusCode(400).body("code", equalTo("invalid_json")).body(not(containsString("Exception")));
        asAdmin().contentType(ContentType.JSON).body(Map.of("email", "a@b.co")).patch("/admin/customers/{id}", "bad id!")
                .then().statusCode(400).body("code", equalTo("invalid_id"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("email", "a@b.co"))
                .patch("/admin/customers/{id}", "nobody-" + UUID.randomUUID().toString().substring(0, 8))
                .then().statusCode(404).body("code", equalTo("not_found"));
        // nothing of it changed the customer
        asAdmin().get("/admin/customers/{id}", id).then().body("email", equalTo(id + "@example.com"))
                .body("status", equalTo("ACTIVE"));
    }

    private static long providerRequestsWith(String providerKey) {
        return SimulatorTestResource.simulator().requests().stream()
                .filter(r -> r.headers().values().stream().anyMatch(v -> v.contains(providerKey))).count();
    }

    @Test
    void shouldRefuseTheKeysOfADisabledCustomerOnEveryProviderUntilEnabledAgain() {
        var tenant = GatewayTestSupport.newTenant();
        String voiceKey = GatewayTestSupport.storeCredential(tenant.customerId(), "elevenlabs");
        String callKey = GatewayTestSupport.storeCredential(tenant.customerId(), "smartflo");
        Map<String, String> callRequest = Map.of("agent_number", "+911111111111", "destination_number", "+912222222222");
        String callId = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(callRequest).post("/smartflo/v1/click_to_call").then().statusCode(200).extract().path("call_id");
        asAdmin().contentType(ContentType.JSON).body(Map.of("status", "DISABLED"))
                .patch("/admin/customers/{id}", tenant.customerId()).then().statusCode(200);

        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody("gpt-4")).post("/openai/v1/chat/completions")
                .then().statusCode(403).body("error.code", equalTo("account_disabled"))
                .body("error.message", containsString("disabled"));
        given().contentType(ContentType.JSON).header("xi-api-key", tenant.apiKey())
                .body(Map.of("text", "Hello")).post("/elevenlabs/v1/text-to-speech/voice1")
                .then().statusCode(403).body("detail.status", equalTo("account_disabled"));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(callRequest).post("/smartflo/v1/click_to_call")
                .then().statusCode(403).body("success", equalTo(false));
        assertEquals(0, providerRequestsWith(tenant.providerKey()));
        assertEquals(0, providerRequestsWith(voiceKey));
        assertEquals(1, providerRequestsWith(callKey), "only the call placed before the customer was disabled");
        // the record of a call placed before is still taken: it was made, and is billed
        SmartfloWebhooks.post(tenant.customerId(), SmartfloWebhooks.issueSecret(tenant.customerId()),
                        SimulatorTestResource.simulator().completeCall(callId, 42))
                .statusCode(200).body("duplicate", equalTo(false));

        asAdmin().contentType(ContentType.JSON).body(Map.of("status", "ACTIVE"))
                .patch("/admin/customers/{id}", tenant.customerId()).then().statusCode(200);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .body(GatewayTestSupport.chatBody("gpt-4")).post("/openai/v1/chat/completions")
                .then().statusCode(200);
        assertEquals(1, providerRequestsWith(tenant.providerKey()));
    }
}
