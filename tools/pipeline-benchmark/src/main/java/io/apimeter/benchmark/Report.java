package io.apimeter.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown table rows for docs/benchmarks.md. */
final class Report {
    private Report() {
    }

    /**
     * @param seconds when each group had caught up, seconds from the first publish; a missing group had not
     * @param check   "ok", or what did not match
     */
    static String catchUp(String runId, long events, int customers, Publisher.Result published, List<String> groups,
                          Map<String, Double> seconds, String check) {
        StringBuilder out = new StringBuilder();
        out.append("| run | events | customers | publish s | publish events/s | group | caught up after s | events/s | counts and sums |\n");
        out.append("|---|---:|---:|---:|---:|---|---:|---:|---|\n");
        for (String group : groups) {
            Double s = seconds.get(group);
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f | %,.0f | %s | %s | %s | %s |%n", runId,
                    events, customers, published.seconds(), events / published.seconds(), group,
                    s == null ? "not caught up" : String.format(Locale.ROOT, "%.1f", s),
                    s == null ? "–" : String.format(Locale.ROOT, "%,.0f", events / s), check));
        }
        return out.toString();
    }

    static String lag(Map<String, LagStats> stats, double seconds, double arrivalRate) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "usage-events received %,.0f events/s over %.0f s%n%n", arrivalRate,
                seconds));
        out.append("| group | samples | p50 lag | max lag | lag first | lag last | trend events/s | grew |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        stats.forEach((group, s) -> out.append(String.format(Locale.ROOT, "| %s | %d | %,d | %,d | %,d | %,d | %+,.1f | %s |%n",
                group, s.samples(), s.p50(), s.max(), s.first(), s.last(), s.trendPerSec(), s.grew() ? "**yes**" : "no")));
        return out.toString();
    }
}
