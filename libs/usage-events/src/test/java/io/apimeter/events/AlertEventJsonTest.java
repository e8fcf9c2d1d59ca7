package io.apimeter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertEventJsonTest {

    @Test
    void shouldRoundTripAnAlertWithExactAmounts() {
        AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.WARNING, "acme", QuotaDimension.TOTAL_COST_USD,
                "2026-11", 80, new BigDecimal("80.0000000001"), new BigDecimal("100"),
                "80% of the monthly cost limit used", Instant.parse("2026-11-03T10:15:30Z"), UUID.randomUUID());
        String json = EventJson.write(alert);
        assertEquals(alert, EventJson.readAlertEvent(json));
        assertEquals(true, json.contains("\"used\":\"80.0000000001\""), json);
    }

    @Test
    void shouldRejectAnAlertWithoutType() {
        assertThrows(EventFormatException.class,
                () -> EventJson.readAlertEvent("{\"eventId\":\"" + UUID.randomUUID() + "\",\"customerId\":\"a\"}"));
    }

    @Test
    void shouldRoundTripQuotaStatus() {
        QuotaStatus status = new QuotaStatus("acme", "2026-11", true,
                List.of(new QuotaStatus.Dimension(QuotaDimension.OPENAI_TOKENS, new BigDecimal("1000001"),
                        new BigDecimal("1000000"), new BigDecimal("100.00"), "BLOCK")),
                Instant.parse("2026-11-03T10:16:00Z"), Instant.parse("2026-11-03T10:15:30Z"));
        assertEquals(status, EventJson.readQuotaStatus(EventJson.write(status)));
        assertTrue(status.isFor("2026-11"));
        assertFalse(status.isFor("2026-12"), "a status of November blocks nothing in December");
    }

    @Test
    void shouldRoundTripACustomerAndRefuseOneWithoutId() {
        CustomerRecord customer = new CustomerRecord("acme", "Acme Ltd", "billing@acme.example", "ACTIVE",
                Instant.parse("2026-11-03T10:15:30Z"));
        assertEquals(customer, EventJson.readCustomer(EventJson.write(customer)));
        assertThrows(EventFormatException.class,
                () -> EventJson.readCustomer("{\"name\":\"x\",\"status\":\"ACTIVE\",\"updatedAt\":\"2026-11-03T10:15:30Z\"}"));
    }

    @Test
    void shouldCarryTheCloudEventsAttributesAsHeaders() {
        UsageEvent event = UsageEventJsonTest.sample(BigDecimal.ONE);
        Map<String, byte[]> headers = CloudEventHeaders.of(event, "apimeter/gateway-service");
        assertEquals(event.eventId().toString(), text(headers.get(CloudEventHeaders.ID)));
        assertEquals("apimeter.usage.v1", text(headers.get(CloudEventHeaders.TYPE)));
        assertEquals("acme", text(headers.get(CloudEventHeaders.SUBJECT)));
        assertEquals("2026-11-30T23:59:59.999Z", text(headers.get(CloudEventHeaders.TIME)));
        assertEquals("1.0", text(headers.get(CloudEventHeaders.SPEC_VERSION)));
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
