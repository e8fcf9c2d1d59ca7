package io.apimeter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UsageEventJsonTest {

    static UsageEvent sample(BigDecimal amount) {
        return new UsageEvent(UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "acme", "key-1",
                Provider.OPENAI, "chat.completions", "gpt-4-0613", "gpt-4",
                Instant.parse("2026-11-30T23:59:59.999Z"), 412, 200, Outcome.SUCCESS,
                new Usage(1200, 350, 100, 0, 0, 0, false), Cost.of(amount, "openai/gpt-4", 1));
    }

    @Test
    void shouldRoundTripEveryField() {
        UsageEvent event = sample(new BigDecimal("0.057"));
        UsageEvent back = EventJson.readUsageEvent(EventJson.write(event));
        assertEquals(event, back);
    }

    @Test
    void shouldKeepMoneyAsAnExactDecimalString() throws Exception {
        BigDecimal amount = new BigDecimal("0.0203333333333333333333");
        String json = EventJson.write(sample(amount));
        JsonNode tree = EventJson.mapper().readTree(json);
        assertTrue(tree.get("cost").get("amount").isTextual(), "amount must be written as a JSON string: " + json);
        assertEquals("0.0203333333333333333333", tree.get("cost").get("amount").asText());
        assertEquals(0, amount.compareTo(EventJson.readUsageEvent(json).cost().amount()));
        assertEquals(amount.scale(), EventJson.readUsageEvent(json).cost().amount().scale());
    }

    @Test
    void shouldReadAnAmountWrittenAsJsonNumberWithoutLosingDigits() {
        String json = EventJson.write(sample(BigDecimal.ONE)).replace("\"amount\":\"1\"", "\"amount\":0.1000000000000000055511");
        assertEquals(new BigDecimal("0.1000000000000000055511"), EventJson.readUsageEvent(json).cost().amount());
    }

    @Test
    void shouldTolerateUnknownFields() {
        String json = EventJson.write(sample(BigDecimal.TEN));
        String withExtra = "{\"futureField\":{\"nested\":[1,2]}," + json.substring(1)
                .replace("\"usage\":{", "\"usage\":{\"audioSeconds\":12,");
        UsageEvent back = EventJson.readUsageEvent(withExtra);
        assertEquals(sample(BigDecimal.TEN), back);
    }

    @Test
    void shouldMarkAnUnpricedCallWithoutAnAmount() {
        UsageEvent event = new UsageEvent(UUID.randomUUID(), "acme", "key-1", Provider.OPENAI, "chat.completions",
                "o9-preview", null, Instant.now(), 10, 200, Outcome.SUCCESS, Usage.tokens(5, 5), Cost.unpricedCost());
        UsageEvent back = EventJson.readUsageEvent(EventJson.write(event));
        assertTrue(back.cost().unpriced());
        assertNull(back.cost().amount());
        assertEquals(BigDecimal.ZERO, back.cost().amountOrZero());
    }

    @Test
    void shouldRejectRecordsThatAreNotUsageEvents() {
        assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent("not json"));
        assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent(""));
        assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent("null"));
        assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent("{\"eventId\":\"x\"}"));
        String noCustomer = EventJson.write(sample(BigDecimal.ONE)).replace("\"customerId\":\"acme\",", "");
        EventFormatException e = assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent(noCustomer));
        assertTrue(e.getMessage().contains("customerId"), e.getMessage());
        String priced = EventJson.write(sample(BigDecimal.ONE)).replace("\"amount\":\"1\",", "");
        assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent(priced));
    }

    @Test
    void shouldBillInTheUtcCalendarMonthOfTheStart() {
        assertEquals(YearMonth.of(2026, 11), sample(BigDecimal.ONE).billingMonth());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), Months.end(YearMonth.of(2026, 11)));
    }

    @Test
    void shouldDescribeEveryFieldInTheJsonSchema() throws Exception {
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream("/schemas/usage-event-v1.schema.json")) {
            schema = EventJson.mapper().readTree(in);
        }
        assertEquals(names(UsageEvent.class), keys(schema.get("properties")));
        assertEquals(names(Usage.class), keys(schema.get("properties").get("usage").get("properties")));
        assertEquals(names(Cost.class), keys(schema.get("properties").get("cost").get("properties")));
        Set<String> outcomes = new HashSet<>();
        schema.get("properties").get("outcome").get("enum").forEach(n -> outcomes.add(n.asText()));
        assertEquals(Arrays.stream(Outcome.values()).map(Enum::name).collect(java.util.stream.Collectors.toSet()), outcomes);
    }

    private static Set<String> names(Class<? extends Record> type) {
        Set<String> names = new HashSet<>();
        Arrays.stream(type.getRecordComponents()).forEach(c -> names.add(c.getName()));
        return names;
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }
}
