package io.apimeter.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LagTest {

    @Test
    void shouldBeCaughtUpOnlyWhenEveryPartitionWithRecordsIsCommittedToItsEnd() {
        Map<Integer, Long> end = Map.of(0, 100L, 1, 50L, 2, 0L);
        assertTrue(Lag.caughtUp(end, Map.of(0, 100L, 1, 50L)), "an empty partition needs no commit");
        assertTrue(Lag.caughtUp(end, Map.of(0, 120L, 1, 50L, 2, 3L)), "records that arrived later do not matter");
        assertFalse(Lag.caughtUp(end, Map.of(0, 100L, 1, 49L)));
        assertFalse(Lag.caughtUp(end, Map.of(0, 100L)), "no commit on a partition with records");
    }

    @Test
    void shouldSumTheLagOverPartitionsFromTheFirstOffsetWhereNothingWasCommitted() {
        Map<Integer, Long> end = Map.of(0, 100L, 1, 50L, 2, 30L);
        assertEquals(10 + 0 + 20, Lag.of(end, Map.of(0, 90L, 1, 60L), Map.of(2, 10L)));
        assertEquals(180, Lag.of(end, Map.of(), Map.of()));
    }

    @Test
    void shouldNotCallASawToothOfCommitsGrowth() {
        // 2,000 events/s arriving, a commit every 5 s: the lag climbs to 10,000 and drops back, for 60 s
        List<Double> t = new ArrayList<>();
        List<Long> lag = new ArrayList<>();
        for (int s = 0; s <= 60; s++) {
            t.add((double) s);
            lag.add((long) (s % 5) * 2000);
        }
        LagStats stats = LagStats.of(t, lag, 2000);
        assertFalse(stats.grew(), stats.toString());
        assertEquals(8000, stats.max());
        assertEquals(4000, stats.p50());
        assertEquals(61, stats.samples());
    }

    @Test
    void shouldCallALagThatRisesWithTheArrivalsGrowth() {
        // the group takes 1,800 of 2,000 events/s: 200 more behind every second, on top of the saw-tooth
        List<Double> t = new ArrayList<>();
        List<Long> lag = new ArrayList<>();
        for (int s = 0; s <= 60; s++) {
            t.add((double) s);
            lag.add((long) (s % 5) * 2000 + 200L * s);
        }
        LagStats stats = LagStats.of(t, lag, 2000);
        assertTrue(stats.grew(), stats.toString());
        assertEquals(200, stats.trendPerSec(), 30);
        assertEquals(0, stats.first());
        assertEquals(12_000, stats.last());
    }

    @Test
    void shouldNotCallAnIdleTopicGrowth() {
        LagStats stats = LagStats.of(List.of(0.0, 1.0, 2.0, 3.0, 4.0), List.of(0L, 0L, 0L, 1L, 3L), 0);
        assertFalse(stats.grew(), "a few records are below the floor");
        assertEquals(0, stats.p50());
    }
}
