package io.apimeter.readbenchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void shouldTakeThe198thOf200AsP99AndThe100thAsP50() {
        List<Long> values = new ArrayList<>();
        for (long i = 1; i <= 200; i++) {
            values.add(i * 1_000_000L);
        }
        Collections.shuffle(values, new Random(7));
        long[] nanos = values.stream().mapToLong(Long::longValue).toArray();

        Percentiles p = Percentiles.of(nanos);

        assertEquals(200, p.count());
        assertEquals(100_000_000L, p.p50());
        assertEquals(198_000_000L, p.p99());
        assertEquals(200_000_000L, p.max());
        assertEquals(100_500_000.0, p.mean(), 1e-6);
    }

    @Test
    void shouldUseNearestRankWithoutInterpolating() {
        long[] sorted = {10, 20, 30, 40};
        assertEquals(20, Percentiles.nearestRank(sorted, 50)); // ceil(2.0) = 2nd
        assertEquals(40, Percentiles.nearestRank(sorted, 99)); // ceil(3.96) = 4th
        assertEquals(10, Percentiles.nearestRank(sorted, 1)); // ceil(0.04) = 1st
        assertEquals(40, Percentiles.nearestRank(sorted, 100));
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(99, Percentiles.nearestRank(hundred, 99));
        assertEquals(50, Percentiles.nearestRank(hundred, 50));
        long[] one = {5};
        assertEquals(5, Percentiles.of(one).p50());
        assertEquals(5, Percentiles.of(one).p99());
    }

    @Test
    void shouldNotSortTheCallersArray() {
        long[] nanos = {3, 1, 2};
        Percentiles.of(nanos);
        assertEquals(3, nanos[0]);
    }

    @Test
    void shouldPrintMillisecondsWithOneDecimal() {
        assertEquals("12.3", Percentiles.ms(12_345_678));
        assertEquals("0.0", Percentiles.ms(0));
    }

    @Test
    void shouldRefuseNoValuesAndBadPercents() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[] {1}, 101));
    }

    @Test
    void shouldCountFailuresApartAndShowDashesWhenNoneAnswered() {
        assertEquals(List.of("shape", "3", "1", "1.0", "2.0", "2.0", "x"),
                List.of(Percentiles.row("shape", 3, new long[] {2_000_000, 1_000_000}, "x")));
        assertEquals(List.of("shape", "2", "2", "-", "-", "-", "-"),
                List.of(Percentiles.row("shape", 2, new long[0], "-")));
    }
}
