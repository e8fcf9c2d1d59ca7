package io.apimeter.loadgen;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one target did under one fixed rate, possibly summed over several alternations.
 *
 * @param target         {@code direct} or {@code gateway}
 * @param rate           the target rate, requests per second
 * @param scheduled      requests due in the measured time
 * @param ok             answers with a 2xx status and a complete body
 * @param errors         error counts by kind (HTTP status, timeout, dropped by the generator, ...)
 * @param elapsedSeconds from the first due request to the later of the last due time and the last answer
 * @param latency        latency of the successful requests, from their intended send time to their last byte
 * @param lag            how late the generator itself started requests (its own scheduling delay)
 * @param cpuSeconds     CPU time the gateway process used during the phase; -1 if unknown
 * @param machineBusy    share of all cores busy during the phase; NaN if unknown
 * @param generatorCpu   CPU time the generator used during the phase
 */
record PhaseResult(String target, int rate, long scheduled, long ok, Map<String, Long> errors, double elapsedSeconds,
                   LatencyHistogram latency, LatencyHistogram lag, double cpuSeconds, double machineBusy,
                   double generatorCpu) {

    PhaseResult {
        errors = new TreeMap<>(errors);
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Successful answers per second over the phase. */
    double achieved() {
        return elapsedSeconds <= 0 ? 0 : ok / elapsedSeconds;
    }

    double errorShare() {
        return scheduled == 0 ? 0 : (double) errorCount() / scheduled;
    }

    /** Cores of the gateway busy on average during the phase; NaN if unknown. */
    double gatewayCores() {
        return cpuSeconds < 0 || elapsedSeconds <= 0 ? Double.NaN : cpuSeconds / elapsedSeconds;
    }

    /** Sums alternations of the same target and rate: counts and times add, histograms merge. */
    PhaseResult plus(PhaseResult other) {
        Map<String, Long> sum = new TreeMap<>(errors);
        other.errors.forEach((kind, count) -> sum.merge(kind, count, Long::sum));
        LatencyHistogram latencies = new LatencyHistogram();
        latencies.add(latency);
        latencies.add(other.latency);
        LatencyHistogram lags = new LatencyHistogram();
        lags.add(lag);
        lags.add(other.lag);
        double cpu = cpuSeconds < 0 || other.cpuSeconds < 0 ? -1 : cpuSeconds + other.cpuSeconds;
        double busy = (machineBusy * elapsedSeconds + other.machineBusy * other.elapsedSeconds)
                / (elapsedSeconds + other.elapsedSeconds);
        return new PhaseResult(target, rate, scheduled + other.scheduled, ok + other.ok, sum,
                elapsedSeconds + other.elapsedSeconds, latencies, lags, cpu, busy, generatorCpu + other.generatorCpu);
    }
}
