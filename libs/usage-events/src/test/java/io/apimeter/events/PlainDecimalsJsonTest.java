package io.apimeter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Amounts on the wire are plain decimals: {@code 0.0000005}, never {@code 5E-7}. */
class PlainDecimalsJsonTest {
    private static final BigDecimal HALF_A_MILLIONTH = new BigDecimal("0.0000005");

    @Test
    void shouldWriteATinyCostAsAPlainDecimalInAUsageEvent() {
        assertEquals("5E-7", HALF_A_MILLIONTH.toString(), "what BigDecimal alone would write");
        String json = EventJson.write(UsageEventJsonTest.sample(HALF_A_MILLIONTH));
        assertTrue(json.contains("\"amount\":\"0.0000005\""), json);
        assertFalse(json.contains("E-"), json);
        assertEquals(0, HALF_A_MILLIONTH.compareTo(EventJson.readUsageEvent(json).cost().amount()));
    }

    @Test
    void shouldWriteTinyAmountsAsPlainDecimalsInAnAlertEvent() {
        AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.WARNING, "acme", QuotaDimension.TOTAL_COST_USD,
                "2026-11", 80, HALF_A_MILLIONTH, new BigDecimal("1E+3"), "a message", Instant.parse("2026-11-03T10:15:30Z"),
                null);
        String json = EventJson.write(alert);
        assertTrue(json.contains("\"used\":\"0.0000005\""), json);
        assertTrue(json.contains("\"limit\":\"1000\""), json);
    }

    @Test
    void shouldWriteBigDecimalNumbersPlainWithEveryMapperTheContractConfigures() throws Exception {
        assertEquals("{\"amount\":0.0000005}", EventJson.write(Map.of("amount", HALF_A_MILLIONTH)));
        ObjectMapper own = EventJson.configure(new ObjectMapper());
        assertEquals("{\"amount\":0.0000005}", own.writeValueAsString(Map.of("amount", HALF_A_MILLIONTH)));
    }
}
