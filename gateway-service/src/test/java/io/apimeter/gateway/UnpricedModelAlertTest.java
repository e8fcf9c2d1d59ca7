package io.apimeter.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.EventJson;
import io.apimeter.events.Months;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SharedInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class UnpricedModelAlertTest {

    @Test
    void shouldTellTheAdminsOnceWhenCallsUseAModelWithoutPrice() {
        var tenant = GatewayTestSupport.newTenant();
        String unpriced = "gpt-unpriced-m" + UUID.randomUUID().toString().substring(0, 8);
        String refused = "gpt-refused-m" + UUID.randomUUID().toString().substring(0, 8);
        String later = "gpt-later-m" + UUID.randomUUID().toString().substring(0, 8);

        call(tenant, unpriced, 200);
        call(tenant, unpriced + "-2025-01-31", 200);
        // the provider refuses the call: nothing was used, nothing to price, nobody to alert
        call(tenant, refused, 404);
        call(tenant, later, 200);

        List<UsageEvent> events = GatewayTestSupport.usageEvents(tenant.customerId(), 4).stream()
                .sorted(Comparator.comparing(UsageEvent::occurredAt)).toList();
        assertTrue(events.stream().allMatch(e -> e.cost().unpriced()), "every call is recorded unpriced");

        // One producer, one partition (key "platform"): once the alert of the last model is there, any
        // alert raised before it is there too.
        List<ConsumerRecord<String, String>> alerts;
        try (KafkaTestClient kafka = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            alerts = kafka.readKey("alert-events", AlertEvent.PLATFORM,
                    found -> found.stream().anyMatch(r -> r.value().contains(later)), Duration.ofSeconds(30));
        }
        List<ConsumerRecord<String, String>> aboutUnpriced = alerts.stream()
                .filter(r -> r.value().contains(unpriced)).toList();
        assertEquals(1, aboutUnpriced.size(), "one alert for two calls of one model: " + aboutUnpriced);
        assertTrue(alerts.stream().noneMatch(r -> r.value().contains(refused)), "no alert for a refused call");

        ConsumerRecord<String, String> record = aboutUnpriced.get(0);
        AlertEvent alert = EventJson.readAlertEvent(record.value());
        UsageEvent firstCall = events.get(0);
        assertEquals(AlertType.UNPRICED_MODEL, alert.type());
        assertEquals(AlertEvent.PLATFORM, alert.customerId());
        assertEquals(Months.of(firstCall.occurredAt()).toString(), alert.month());
        assertEquals(firstCall.eventId(), alert.causeEventId());
        assertEquals(firstCall.occurredAt(), alert.occurredAt());
        assertNull(alert.dimension());
        assertTrue(alert.message().contains("OPENAI") && alert.message().contains(unpriced)
                && alert.message().contains(tenant.customerId()), alert.message());
        assertEquals(AlertEvent.TYPE, KafkaTestClient.header(record, "ce_type"));
        assertEquals("apimeter/gateway-service", KafkaTestClient.header(record, "ce_source"));
        assertEquals(alert.eventId().toString(), KafkaTestClient.header(record, "ce_id"));
    }

    private static void call(GatewayTestSupport.Tenant tenant, String model, int status) {
        var request = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + tenant.apiKey())
                .header("x-sim-prompt-tokens", "100").header("x-sim-completion-tokens", "20");
        if (status != 200) {
            request.header("x-sim-status", String.valueOf(status));
        }
        request.body(GatewayTestSupport.chatBody(model))
                .post("/openai/v1/chat/completions").then().statusCode(status);
    }
}
