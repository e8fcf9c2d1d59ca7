package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.alertRecords;
import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.common.messaging.MessageTracing;
import io.apimeter.events.AlertType;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, the alert a usage event raises goes out in that event's trace: usage-events process (the
 * event's child, or the batch span linking it), then alert-events publish, whose context the alert record carries
 * (kept through the outbox).
 */
@QuarkusTest
@TestProfile(InMemorySpans.TracingOn.class)
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class AlertTracingTest {
    /** The context a gateway's PRODUCER span would have written: trace, span, sampled. */
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void shouldCarryTheCrossingEventsTraceIntoTheAlertItRaises() {
        String customer = newCustomer();
        LimitsInForce.putQuota(customer, "{\"openaiTokens\": 1000}");
        UsageEvent crossing = openai(customer, 850, "0", Instant.now());
        Map<String, String> headers = new LinkedHashMap<>();
        CloudEventHeaders.of(crossing, KafkaTestClient.SOURCE)
                .forEach((name, value) -> headers.put(name, new String(value, StandardCharsets.UTF_8)));
        headers.put(MessageTracing.TRACEPARENT, "00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        KafkaTestClient.shared().send(Topics.USAGE_EVENTS, customer, EventJson.write(crossing), headers);

        ConsumerRecord<String, String> alert = alertRecords(customer, list -> list.stream()
                .anyMatch(a -> a.type() == AlertType.WARNING)).stream()
                .filter(r -> EventJson.readAlertEvent(r.value()).type() == AlertType.WARNING).findFirst().orElseThrow();
        String traceparent = KafkaTestClient.header(alert, MessageTracing.TRACEPARENT);
        assertNotNull(traceparent, "the alert record carries a trace context");
        String[] parts = traceparent.split("-");

        SpanData publish = await(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(parts[2])).findFirst().orElse(null));
        assertEquals("alert-events publish", publish.getName());
        assertEquals(SpanKind.PRODUCER, publish.getKind());
        assertEquals(parts[1], publish.getTraceId());
        SpanData process = await(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(publish.getParentSpanId())).findFirst().orElse(null));
        assertEquals("usage-events process", process.getName());
        assertEquals(SpanKind.CONSUMER, process.getKind());
        boolean child = process.getTraceId().equals(TRACE_ID) && process.getParentSpanId().equals(SPAN_ID);
        boolean linked = process.getLinks().stream().anyMatch(l -> l.getSpanContext().getSpanId().equals(SPAN_ID)
                && l.getSpanContext().getTraceId().equals(TRACE_ID));
        assertTrue(child || linked, "the processing span continues the event's trace, or links it in a batch: "
                + process);
        if (child) {
            assertEquals(TRACE_ID, parts[1], "one trace from the gateway's call to the alert");
        }
    }

    /** The first non-null answer of {@code find} within 10 seconds (spans end after the record is sent). */
    private static <T> T await(java.util.concurrent.Callable<T> find) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(find, found -> found != null);
    }
}
