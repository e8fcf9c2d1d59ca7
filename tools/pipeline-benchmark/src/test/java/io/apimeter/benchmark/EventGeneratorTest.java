package io.apimeter.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {
    /** libs/service-common Params.CUSTOMER_ID, restated here so that a change there is noticed by this test's author. */
    private static final Pattern PARAMS_CUSTOMER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void shouldMakeValidEventsOfEveryProviderWithTheirOwnQuantities() {
        EventGenerator generator = new EventGenerator("abc123", 50, 7);
        Set<Provider> providers = new HashSet<>();
        Set<Outcome> outcomes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            UsageEvent event = generator.next(NOW);
            assertEquals(event, EventJson.readUsageEvent(EventJson.write(event)), "valid and round-trips");
            assertTrue(ids.add(event.eventId().toString()), "event ids are unique");
            assertEquals(NOW, event.occurredAt());
            providers.add(event.provider());
            outcomes.add(event.outcome());
            assertTrue(event.cost().amount().signum() >= 0);
            assertTrue(event.cost().amount().scale() <= 12, "fits quota-service's numeric(30, 12) exactly");
            var usage = event.usage();
            if (event.outcome().isError()) {
                assertEquals(0, usage.totalTokens() + usage.characters() + usage.callSeconds());
                assertEquals(0, event.cost().amount().signum());
                assertTrue(event.httpStatus() >= 500);
                continue;
            }
            assertEquals(200, event.httpStatus());
            switch (event.provider()) {
                case OPENAI -> {
                    assertTrue(usage.inputTokens() > 0 && usage.outputTokens() > 0);
                    assertTrue(usage.cachedInputTokens() <= usage.inputTokens());
                    assertEquals(0, usage.characters() + usage.callSeconds());
                    assertEquals(new BigDecimal("0.00003").multiply(BigDecimal.valueOf(usage.inputTokens()))
                            .add(new BigDecimal("0.00006").multiply(BigDecimal.valueOf(usage.outputTokens()))),
                            event.cost().amount());
                }
                case ELEVENLABS -> {
                    assertTrue(usage.characters() > 0);
                    assertEquals(0, usage.totalTokens() + usage.callSeconds());
                }
                case SMARTFLO -> {
                    assertTrue(usage.callSeconds() > 0);
                    assertEquals(0, usage.totalTokens() + usage.characters());
                }
            }
        }
        assertEquals(Set.of(Provider.values()), providers);
        assertTrue(outcomes.contains(Outcome.SUCCESS) && outcomes.size() > 1, "some calls fail: " + outcomes);
    }

    @Test
    void shouldUseOnlyThisRunsCustomersWhoseIdsTheServicesAccept() {
        EventGenerator generator = new EventGenerator("t5x2k1ab3f", 10_000, 1);
        Set<String> customers = new HashSet<>(generator.customerIds());
        assertEquals(10_000, customers.size());
        customers.forEach(id -> assertTrue(PARAMS_CUSTOMER_ID.matcher(id).matches(), id));
        assertTrue(customers.contains("bench-t5x2k1ab3f-0") && customers.contains("bench-t5x2k1ab3f-9999"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String customer = generator.next(NOW).customerId();
            assertTrue(customers.contains(customer), customer);
            seen.add(customer);
        }
        assertTrue(seen.size() > 9_900, "spread over the customers: " + seen.size());

        EventGenerator single = new EventGenerator("solo", 1, 1);
        for (int i = 0; i < 1000; i++) {
            assertEquals("bench-solo-0", single.next(NOW).customerId());
        }
    }

    @Test
    void shouldMakeRunIdsThatDifferAndFitACustomerId() {
        String a = EventGenerator.newRunId();
        String b = EventGenerator.newRunId();
        assertNotEquals(a, b);
        assertTrue(a.matches("[a-z0-9]{1,16}"), a);
        assertTrue(PARAMS_CUSTOMER_ID.matcher("bench-" + a + "-9999999").matches());
        assertThrows(IllegalArgumentException.class, () -> new EventGenerator("Bad-Id", 1, 1));
    }

    @Test
    void shouldAddUpExactlyWhatItGenerated() {
        EventGenerator generator = new EventGenerator("sums", 20, 42);
        Map<Provider, long[]> counts = new EnumMap<>(Provider.class);
        Map<Provider, BigDecimal> costs = new EnumMap<>(Provider.class);
        for (Provider p : Provider.values()) {
            counts.put(p, new long[8]);
            costs.put(p, BigDecimal.ZERO);
        }
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            events.add(generator.next(NOW));
        }
        long quotaTokens = 0;
        long quotaCharacters = 0;
        long quotaSeconds = 0;
        BigDecimal totalCost = BigDecimal.ZERO;
        for (UsageEvent e : events) {
            long[] c = counts.get(e.provider());
            c[0]++;
            c[1] += e.outcome() == Outcome.SUCCESS ? 0 : 1;
            c[2] += e.usage().inputTokens();
            c[3] += e.usage().outputTokens();
            c[4] += e.usage().cachedInputTokens();
            c[5] += e.usage().reasoningTokens();
            c[6] += e.usage().characters();
            c[7] += e.usage().callSeconds();
            costs.put(e.provider(), costs.get(e.provider()).add(e.cost().amount()));
            totalCost = totalCost.add(e.cost().amount());
            switch (e.provider()) {
                case OPENAI -> quotaTokens += e.usage().inputTokens() + e.usage().outputTokens();
                case ELEVENLABS -> quotaCharacters += e.usage().characters();
                case SMARTFLO -> quotaSeconds += e.usage().callSeconds();
            }
        }
        ExpectedTotals expected = generator.expected();
        assertEquals(5_000, expected.events());
        long calls = 0;
        for (Provider p : Provider.values()) {
            ProviderTotals t = expected.of(p);
            long[] c = counts.get(p);
            assertArrayEquals(c, new long[] {t.calls(), t.errors(), t.inputTokens(), t.outputTokens(),
                    t.cachedInputTokens(), t.reasoningTokens(), t.characters(), t.callSeconds()}, p.name());
            assertEquals(0, costs.get(p).compareTo(t.cost()), p.name());
            calls += t.calls();
        }
        assertEquals(5_000, calls);
        assertEquals(5_000, expected.all().calls());
        assertEquals(0, totalCost.compareTo(expected.all().cost()));
        assertEquals(new QuotaTotals(quotaTokens, quotaCharacters, quotaSeconds, totalCost, 5_000), expected.quota());
    }

    @Test
    void shouldCompareSumsByValueAndNameEachDifference() {
        ProviderTotals expected = new ProviderTotals(3, 1, 100, 50, 10, 0, 0, 0, new BigDecimal("1.5"));
        assertEquals(List.of(), expected.differences(
                new ProviderTotals(3, 1, 100, 50, 10, 0, 0, 0, new BigDecimal("1.500000000000")), "x"));
        assertEquals(List.of("aggregation OPENAI calls: expected 3, found 2",
                        "aggregation OPENAI cost_usd: expected 1.5, found 1.4"),
                expected.differences(new ProviderTotals(2, 1, 100, 50, 10, 0, 0, 0, new BigDecimal("1.4")),
                        "aggregation OPENAI"));
        QuotaTotals quota = new QuotaTotals(150, 0, 7, new BigDecimal("2"), 4);
        assertEquals(List.of(), quota.differences(new QuotaTotals(150, 0, 7, new BigDecimal("2.000000000000"), 4), "q"));
        assertEquals(List.of("q smartflo_seconds: expected 7, found 6"),
                quota.differences(new QuotaTotals(150, 0, 6, new BigDecimal("2"), 4), "q"));
    }

    @Test
    void shouldWriteTheRecordTheGatewayWrites() {
        UsageEvent event = new EventGenerator("rec", 3, 3).next(NOW);
        ProducerRecord<String, String> record = Publisher.record(event);
        assertEquals(Topics.USAGE_EVENTS, record.topic());
        assertEquals(event.customerId(), record.key());
        assertEquals(event, EventJson.readUsageEvent(record.value()));
        Map<String, byte[]> expected = CloudEventHeaders.of(event, EventGenerator.SOURCE);
        assertEquals(expected.size(), record.headers().toArray().length);
        expected.forEach((name, value) -> assertEquals(new String(value, StandardCharsets.UTF_8),
                new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8), name));
        assertEquals(UsageEvent.TYPE, new String(record.headers().lastHeader(CloudEventHeaders.TYPE).value(),
                StandardCharsets.UTF_8));
    }
}
