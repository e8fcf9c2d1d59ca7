package io.apimeter.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void shouldReportPercentilesOfAUniformSpreadInMilliseconds() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int micros = 1; micros <= 10_000; micros++) {
            histogram.recordNanos(micros * 1_000L);
        }

        assertEquals(10_000, histogram.count());
        assertEquals(5.0, histogram.percentileMillis(50), 0.005);
        assertEquals(9.9, histogram.percentileMillis(99), 0.01);
        assertEquals(9.99, histogram.percentileMillis(99.9), 0.01);
        assertEquals(10.0, histogram.maxMillis(), 0.01);
    }

    @Test
    void shouldLetTheSlowTailShowAtP99ButNotAtTheMedian() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 980; i++) {
            histogram.recordNanos(1_000_000);   // 1 ms
        }
        for (int i = 0; i < 20; i++) {
            histogram.recordNanos(250_000_000); // 250 ms: a stall that a closed-loop client would have hidden
        }

        assertEquals(1.0, histogram.percentileMillis(50), 0.001);
        assertEquals(250.0, histogram.percentileMillis(99), 0.25);
    }

    @Test
    void shouldSubtractTheDirectPercentileFromTheGatewayOne() {
        LatencyHistogram direct = new LatencyHistogram();
        LatencyHistogram gateway = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            direct.recordNanos(i * 1_000L);              // 1 µs .. 1 ms
            gateway.recordNanos(i * 1_000L + 300_000L);  // the same plus 0.3 ms
        }

        assertEquals(0.3, direct.addedMillis(gateway, 50), 0.001);
        assertEquals(0.3, direct.addedMillis(gateway, 99), 0.002);
    }

    @Test
    void shouldMergeAlternationsAndSayNothingWhenEmpty() {
        LatencyHistogram first = new LatencyHistogram();
        LatencyHistogram second = new LatencyHistogram();
        first.recordNanos(2_000_000);
        second.recordNanos(4_000_000);
        second.recordNanos(-5);                            // clock noise counts as zero
        second.recordNanos(Duration.ofMinutes(5).toNanos()); // beyond the range counts as its top

        first.add(second);

        assertEquals(4, first.count());
        assertEquals(60_000.0, first.maxMillis(), 60.0);
        assertTrue(Double.isNaN(new LatencyHistogram().percentileMillis(99)));
    }

    @Test
    void shouldSumAlternationsOfAPhase() {
        PhaseResult first = phase(1000, 1000, 995, Map.of("HTTP 500", 5L), 1.0);
        PhaseResult second = phase(1000, 1000, 1000, Map.of(), 1.0);

        PhaseResult total = first.plus(second);

        assertEquals(2000, total.scheduled());
        assertEquals(5, total.errorCount());
        assertEquals(997.5, total.achieved(), 0.001);
        assertEquals(0.0025, total.errorShare(), 1e-9);
    }

    static PhaseResult phase(int rate, long scheduled, long ok, Map<String, Long> errors, double seconds) {
        return new PhaseResult("gateway", rate, scheduled, ok, errors, seconds,
                new LatencyHistogram(), new LatencyHistogram(), -1, Double.NaN, 0);
    }
}
