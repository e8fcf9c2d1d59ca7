package io.apimeter.loadgen;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints results as Markdown tables, ready to paste into the benchmark document. */
final class Report {
    private static final double[] PERCENTILES = {50.0, 99.0, 99.9};
    private static final String[] PERCENTILE_NAMES = {"p50", "p99", "p99.9"};

    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    /**
     * One fixed rate in one mode: the two targets measured alternately, and the gateway's memory after them.
     */
    record Step(boolean stream, int rate, PhaseResult direct, PhaseResult gateway, ProcStats.Memory memory) {
    }

    /** One rate of the ceiling search. */
    record SearchStep(boolean stream, int rate, PhaseResult direct, PhaseResult gateway, boolean keepsUp) {
    }

    static String mode(boolean stream) {
        return stream ? "stream" : "non-stream";
    }

    void progress(boolean stream, PhaseResult result) {
        LatencyHistogram latency = result.latency();
        out.printf(Locale.ROOT, "  %-10s %5d/s %-7s achieved %7.1f/s  errors %-14s p50 %s  p99 %s  p99.9 %s  max %s ms"
                        + "  (generator lag p99 %s ms)%n",
                mode(stream), result.rate(), result.target(), result.achieved(), errors(result),
                ms(latency.percentileMillis(50)), ms(latency.percentileMillis(99)),
                ms(latency.percentileMillis(99.9)), ms(latency.maxMillis()), ms(result.lag().percentileMillis(99)));
        if (!result.errors().isEmpty()) {
            out.println("             errors by kind: " + result.errors());
        }
        out.flush();
    }

    void latencyTable(List<Step> steps) {
        out.println();
        out.println("Latency in ms, from the intended send time to the last byte of the answer "
                + "(added = gateway minus direct at the same percentile):");
        out.println();
        StringBuilder header = new StringBuilder("| mode | rate/s |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (String name : PERCENTILE_NAMES) {
            header.append(' ').append(name).append(" direct | ").append(name).append(" gateway | ")
                    .append(name).append(" added |");
            rule.append("---:|---:|---:|");
        }
        out.println(header);
        out.println(rule);
        for (Step step : steps) {
            StringBuilder row = new StringBuilder("| " + mode(step.stream()) + " | " + step.rate() + " |");
            for (double percentile : PERCENTILES) {
                LatencyHistogram direct = step.direct().latency();
                LatencyHistogram gateway = step.gateway().latency();
                row.append(' ').append(ms(direct.percentileMillis(percentile)))
                        .append(" | ").append(ms(gateway.percentileMillis(percentile)))
                        .append(" | **").append(ms(direct.addedMillis(gateway, percentile))).append("** |");
            }
            out.println(row);
        }
        out.flush();
    }

    void throughputTable(List<Step> steps) {
        out.println();
        out.println("Throughput, errors and resources (gateway memory read after the step; CPU during its gateway phases):");
        out.println();
        out.println("| mode | rate/s | direct achieved/s | direct errors | gateway achieved/s | gateway errors "
                + "| gateway PSS MB | gateway RSS MB | gateway CPU (cores) | machine CPU busy | generator lag p99 ms |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Step step : steps) {
            PhaseResult direct = step.direct();
            PhaseResult gateway = step.gateway();
            out.printf(Locale.ROOT, "| %s | %d | %.1f | %s | %.1f | %s | %s | %s | %s | %s | %s |%n",
                    mode(step.stream()), step.rate(), direct.achieved(), errors(direct), gateway.achieved(),
                    errors(gateway), mb(step.memory().pssMb()), mb(step.memory().rssMb()), cores(gateway.gatewayCores()),
                    percent(gateway.machineBusy()), ms(Math.max(direct.lag().percentileMillis(99),
                            gateway.lag().percentileMillis(99))));
        }
        out.flush();
    }

    void searchTable(List<SearchStep> steps) {
        out.println();
        out.println("| mode | rate/s | direct achieved/s | direct errors | direct p99 ms | gateway achieved/s "
                + "| gateway errors | gateway p50 ms | gateway p99 ms | gateway CPU (cores) | machine CPU busy "
                + "| gateway keeps up |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (SearchStep step : steps) {
            PhaseResult direct = step.direct();
            PhaseResult gateway = step.gateway();
            out.printf(Locale.ROOT, "| %s | %d | %.1f | %s | %s | %.1f | %s | %s | %s | %s | %s | %s |%n",
                    mode(step.stream()), step.rate(), direct.achieved(), errors(direct),
                    ms(direct.latency().percentileMillis(99)), gateway.achieved(), errors(gateway),
                    ms(gateway.latency().percentileMillis(50)), ms(gateway.latency().percentileMillis(99)),
                    cores(gateway.gatewayCores()), percent(gateway.machineBusy()), step.keepsUp() ? "yes" : "no");
        }
        out.flush();
    }

    static String errors(PhaseResult result) {
        long count = result.errorCount();
        if (count == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%d (%.2f%%)", count, 100.0 * result.errorShare());
    }

    static String ms(double millis) {
        return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.3f", millis);
    }

    private static String mb(double mb) {
        return mb < 0 ? "-" : String.format(Locale.ROOT, "%.0f", mb);
    }

    private static String cores(double cores) {
        return Double.isNaN(cores) ? "-" : String.format(Locale.ROOT, "%.2f", cores);
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }
}
