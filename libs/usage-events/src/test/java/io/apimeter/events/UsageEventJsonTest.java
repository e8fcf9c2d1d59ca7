package io.apimeter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void shouldReadAnEventWithoutKindAsARequestThatCountsAsACall() {
        String json = EventJson.write(sample(BigDecimal.ONE));
        assertFalse(json.contains("\"kind\""), "a request is written as before kind existed: " + json);
        UsageEvent back = EventJson.readUsageEvent(json);
        assertNull(back.kind());
        assertEquals(UsageKind.REQUEST, back.effectiveKind());
        assertTrue(back.countsAsCall());
    }

    @Test
    void shouldCountAReportOrAnAdjustmentNeitherAsACallNorAsARequest() {
        UsageEvent report = smartflo(UsageKind.REPORT, "call", 61, new BigDecimal("0.020333333333"));
        UsageEvent back = EventJson.readUsageEvent(EventJson.write(report));
        assertEquals(report, back);
        assertEquals(UsageKind.REPORT, back.kind());
        assertFalse(back.countsAsCall());
        assertFalse(smartflo(UsageKind.ADJUSTMENT, "call.adjustment", 5, new BigDecimal("0.001")).countsAsCall());
        assertTrue(smartflo(UsageKind.REQUEST, "click-to-call", 0, BigDecimal.ZERO).countsAsCall());
    }

    @Test
    void shouldTakeUsageAndCostBackOnlyInAnAdjustment() {
        UsageEvent adjustment = smartflo(UsageKind.ADJUSTMENT, "call.adjustment", -31,
                new BigDecimal("-0.010333333333"));
        UsageEvent back = EventJson.readUsageEvent(EventJson.write(adjustment));
        assertEquals(-31, back.usage().callSeconds());
        assertEquals(new BigDecimal("-0.010333333333"), back.cost().amount());
        for (UsageKind kind : new UsageKind[] {UsageKind.REQUEST, UsageKind.REPORT}) {
            String negativeSeconds = EventJson.write(smartflo(kind, "call", -31, BigDecimal.ZERO));
            assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent(negativeSeconds), kind.name());
            String negativeCost = EventJson.write(smartflo(kind, "call", 0, new BigDecimal("-0.01")));
            assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent(negativeCost), kind.name());
        }
        String withoutKind = EventJson.write(smartflo(null, "call", -31, BigDecimal.ZERO));
        assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent(withoutKind));
    }

    @Test
    void shouldRefuseAnUnknownKind() {
        String json = EventJson.write(smartflo(UsageKind.REPORT, "call", 1, BigDecimal.ZERO))
                .replace("\"kind\":\"REPORT\"", "\"kind\":\"REFUND\"");
        assertThrows(EventFormatException.class, () -> EventJson.readUsageEvent(json));
    }

    private static UsageEvent smartflo(UsageKind kind, String operation, long seconds, BigDecimal amount) {
        return new UsageEvent(UUID.fromString("0b7a4c7e-52f4-3c3e-9a55-1d2c3b4a5f60"), "acme", "key-1",
                Provider.SMARTFLO, operation, null, null, Instant.parse("2026-11-30T10:00:00Z"), 61000, 200,
                Outcome.SUCCESS, new Usage(0, 0, 0, 0, 0, seconds, false), Cost.of(amount, "smartflo/default/1", 1),
                kind);
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
        Set<String> kinds = new HashSet<>();
        schema.get("properties").get("kind").get("enum").forEach(n -> kinds.add(n.asText()));
        assertEquals(Arrays.stream(UsageKind.values()).map(Enum::name).collect(java.util.stream.Collectors.toSet()), kinds);
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
