package io.apimeter.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class RateSearchTest {

    @Test
    void shouldClimbUntilARateFailsThenNarrowTheGap() {
        List<Integer> tried = new ArrayList<>();
        RateSearch search = new RateSearch(1000, 1000, 20_000, 2);

        int ceiling = drive(search, rate -> rate <= 4200, tried);

        assertEquals(List.of(1000, 2000, 3000, 4000, 5000, 4500, 4250), tried);
        assertEquals(4000, ceiling);
        assertFalse(search.stoppedAtMax());
    }

    @Test
    void shouldSayAtLeastWhenEvenTheMaximumKeepsUp() {
        RateSearch search = new RateSearch(1000, 2000, 5000, 2);

        int ceiling = drive(search, rate -> true, new ArrayList<>());

        assertEquals(5000, ceiling);
        assertTrue(search.stoppedAtMax());
    }

    @Test
    void shouldReportZeroWhenNotEvenTheFirstRateKeepsUp() {
        RateSearch search = new RateSearch(1000, 1000, 20_000, 0);

        assertEquals(0, drive(search, rate -> false, new ArrayList<>()));
    }

    @Test
    void shouldKeepUpOnlyWithNinetyFivePercentOfTheRateAndUnderOnePercentErrors() {
        assertTrue(RateSearch.keepsUp(LatencyHistogramTest.phase(1000, 10_000, 9_950, Map.of("HTTP 502", 50L), 10.0)));
        assertFalse(RateSearch.keepsUp(LatencyHistogramTest.phase(1000, 10_000, 9_900, Map.of("timeout", 100L), 10.0)),
                "1% errors is too many");
        assertFalse(RateSearch.keepsUp(LatencyHistogramTest.phase(1000, 10_000, 10_000, Map.of(), 10.6)),
                "answers that trail 6% behind the schedule do not keep up");
    }

    @Test
    void shouldScheduleRequestsAtFixedIntervalsWithoutDrift() {
        assertEquals(20_000, FixedRateRun.requestCount(1000, Duration.ofSeconds(20)));
        assertEquals(1_000_000L, FixedRateRun.dueNanos(0, 1000, 1));
        assertEquals(7_000_000_000L, FixedRateRun.dueNanos(0, 3, 21), "request 21 at 3/s is due 7 s in");
        assertEquals(100L + 60_000_000_000L, FixedRateRun.dueNanos(100, 7000, 420_000));
    }

    private static int drive(RateSearch search, IntPredicate keepsUp, List<Integer> tried) {
        OptionalInt rate = OptionalInt.of(search.current());
        while (rate.isPresent()) {
            tried.add(rate.getAsInt());
            rate = search.next(keepsUp.test(rate.getAsInt()));
        }
        return search.ceiling();
    }
}
