package io.apimeter.readbenchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CustomersTest {

    @Test
    void shouldPickTheBiggestTheNextNineFiveAroundTheMedianAndTheSmallest() {
        Map<String, Long> calls = new HashMap<>();
        for (int i = 1; i <= 101; i++) {
            calls.put(String.format("gen-%05d", i), (long) (102 - i) * 10); // gen-00001 is the biggest
        }
        calls.put("idle", 0L);

        Customers customers = Customers.pick(calls);

        assertEquals(101, customers.known());
        assertEquals("gen-00001", customers.biggest().id());
        List<Customers.Customer> all = customers.all();
        assertEquals(1 + 9 + 5 + 1, all.size());
        assertEquals(9, all.stream().filter(c -> c.group().equals(Customers.TOP_TEN)).count());
        assertEquals(List.of("gen-00049", "gen-00050", "gen-00051", "gen-00052", "gen-00053"),
                all.stream().filter(c -> c.group().equals(Customers.MEDIAN)).map(Customers.Customer::id).toList());
        Customers.Customer smallest = all.get(all.size() - 1);
        assertEquals("gen-00101", smallest.id());
        assertEquals(10L, smallest.calls());
        assertEquals(Customers.SMALLEST, smallest.group());
    }

    @Test
    void shouldDrawTheBiggestAndTheSmallestOftenEach() {
        Map<String, Long> calls = new HashMap<>();
        for (int i = 1; i <= 1000; i++) {
            calls.put("c" + i, 1_000_000L / i);
        }
        Customers customers = Customers.pick(calls);
        SplittableRandom random = new SplittableRandom(1);
        Map<String, Integer> byGroup = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            byGroup.merge(customers.draw(random).group(), 1, Integer::sum);
        }
        for (String group : List.of(Customers.BIGGEST, Customers.TOP_TEN, Customers.MEDIAN, Customers.SMALLEST)) {
            int n = byGroup.getOrDefault(group, 0);
            assertTrue(n > 800 && n < 1200, group + ": " + n);
        }
    }

    @Test
    void shouldCopeWithFewCustomersAndRefuseNone() {
        Customers one = Customers.pick(Map.of("only", 3L));
        assertEquals(1, one.all().size());
        assertEquals("only", one.draw(new SplittableRandom(1)).id());
        assertEquals(3, Customers.pick(Map.of("a", 3L, "b", 2L, "c", 1L)).all().size());
        assertThrows(IllegalArgumentException.class, () -> Customers.pick(Map.of("idle", 0L)));
        assertThrows(IllegalArgumentException.class, () -> Customers.pick(Map.of()));
    }
}
