package io.apimeter.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.EventJson;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaTestClientTest {

    @Test
    void shouldPublishAUsageEventKeyedOnTheCustomerWithCloudEventsHeaders() {
        String customer = SampleEvents.newCustomer();
        UsageEvent event = SampleEvents.openAi(customer, Instant.parse("2026-11-03T10:15:30Z"), "0.057");
        KafkaTestClient.shared().publish(event);

        List<ConsumerRecord<String, String>> records = KafkaTestClient.shared().readKey(Topics.USAGE_EVENTS,
                customer, r -> !r.isEmpty(), Duration.ofSeconds(30));
        assertEquals(1, records.size());
        ConsumerRecord<String, String> record = records.get(0);
        assertEquals(event, EventJson.readUsageEvent(record.value()));
        assertEquals("1.0", KafkaTestClient.header(record, "ce_specversion"));
        assertEquals(event.eventId().toString(), KafkaTestClient.header(record, "ce_id"));
        assertEquals(UsageEvent.TYPE, KafkaTestClient.header(record, "ce_type"));
        assertEquals("apimeter/test", KafkaTestClient.header(record, "ce_source"));
        assertEquals("2026-11-03T10:15:30Z", KafkaTestClient.header(record, "ce_time"));
        assertEquals(customer, KafkaTestClient.header(record, "ce_subject"));
        assertEquals("application/json", KafkaTestClient.header(record, "content-type"));
    }

    @Test
    void shouldPublishAnAlertEventOnTheAlertTopic() {
        String customer = SampleEvents.newCustomer();
        AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.WARNING, customer,
                QuotaDimension.OPENAI_TOKENS, "2026-11", 80, new BigDecimal("800"), new BigDecimal("1000"),
                customer + " has used 80% of its monthly OpenAI token limit", Instant.parse("2026-11-04T00:00:00Z"),
                UUID.randomUUID());
        KafkaTestClient.shared().publish(alert);

        List<ConsumerRecord<String, String>> records = KafkaTestClient.shared().readKey(Topics.ALERT_EVENTS,
                customer, r -> !r.isEmpty(), Duration.ofSeconds(30));
        assertEquals(1, records.size());
        assertEquals(alert, EventJson.readAlertEvent(records.get(0).value()));
        assertEquals(AlertEvent.TYPE, KafkaTestClient.header(records.get(0), "ce_type"));
        assertEquals(customer, KafkaTestClient.header(records.get(0), "ce_subject"));
    }

    @Test
    void shouldShareOneClientThatStaysOpenWhenATestClosesIt() {
        KafkaTestClient client = KafkaTestClient.shared();
        assertSame(client, KafkaTestClient.shared());
        client.close();

        String customer = SampleEvents.newCustomer();
        client.send(Topics.USAGE_EVENTS_DLQ, customer, "still open");
        assertEquals(List.of("still open"), client.readKey(Topics.USAGE_EVENTS_DLQ, customer, r -> !r.isEmpty(),
                Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList());
    }
}
