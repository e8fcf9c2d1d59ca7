package io.apimeter.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Measures what the gateway adds: the same open-loop load goes straight to the provider simulator and
 * through the gateway, alternately in the same run, at fixed rates; optionally it ramps the rate to find
 * the gateway's throughput ceiling. Everything goes to the loopback interface and every run ends by itself.
 */
public final class LoadGenerator {
    private static final Duration PROBE = Duration.ofMillis(400);

    private final Options options;
    private final PrintStream out;
    private final Report report;
    private final Target direct;
    private final Target gateway;

    private LoadGenerator(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.report = new Report(out);
        this.direct = Target.direct(options);
        this.gateway = Target.gateway(options);
    }

    public static void main(String[] args) {
        if (CommandLine.wantsHelp(args)) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        Options options;
        try {
            options = CommandLine.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("load-generator: " + e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        int status = new LoadGenerator(options, System.out).run();
        System.exit(status);
    }

    private int run() {
        header();
        try (FixedRateRun runner = new FixedRateRun(options, message -> out.println("  ! " + message))) {
            for (Target target : List.of(direct, gateway)) {
                PhaseResult probe = runner.run(target, 5, PROBE, false, 0);
                if (probe.ok() == 0) {
                    out.println("load-generator: " + target.name() + " (" + target.chatUri() + ") answers no chat "
                            + "completion: " + probe.errors() + "; is it running, and is the key right?");
                    return 1;
                }
            }
            List<Report.Step> steps = new ArrayList<>();
            for (boolean stream : options.modes()) {
                if (!options.rates().isEmpty()) {
                    warmup(runner, stream, options.rates().get(0));
                }
                for (int rate : options.rates()) {
                    steps.add(step(runner, stream, rate));
                }
            }
            if (!steps.isEmpty()) {
                report.latencyTable(steps);
                report.throughputTable(steps);
            }
            if (options.search()) {
                for (boolean stream : options.modes()) {
                    if (options.rates().isEmpty()) {
                        warmup(runner, stream, options.searchStart());
                    }
                    search(runner, stream);
                }
            }
        }
        out.println();
        out.println("done at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + ", load average "
                + String.format(Locale.ROOT, "%.2f", ProcStats.loadAverage()));
        return 0;
    }

    private void warmup(FixedRateRun runner, boolean stream, int rate) {
        if (options.warmup().isZero()) {
            return;
        }
        out.println(time() + "warming up (" + Report.mode(stream) + ", " + rate + "/s, " + options.warmup().toMillis()
                + " ms split between direct and gateway) ...");
        Duration quarter = options.warmup().dividedBy(4);
        for (int round = 0; round < 2; round++) {
            runner.run(direct, rate, quarter, stream, 0);
            runner.run(gateway, rate, quarter, stream, 0);
        }
    }

    /**
     * One rate: the duration is split into rounds, and each round runs both targets, in the order
     * direct-gateway, then gateway-direct, and so on, so that drift (a build starting next door, the JIT,
     * a growing heap) weighs on both alike.
     */
    private Report.Step step(FixedRateRun runner, boolean stream, int rate) {
        out.println(time() + Report.mode(stream) + " at " + rate + "/s: " + options.rounds() + " rounds of "
                + options.duration().dividedBy(options.rounds()).toMillis() + " ms per target");
        Duration slice = options.duration().dividedBy(options.rounds());
        PhaseResult directTotal = null;
        PhaseResult gatewayTotal = null;
        for (int round = 0; round < options.rounds(); round++) {
            boolean directFirst = round % 2 == 0;
            for (Target target : directFirst ? List.of(direct, gateway) : List.of(gateway, direct)) {
                PhaseResult result = runner.run(target, rate, slice, stream, options.gatewayPid());
                if (target == direct) {
                    directTotal = directTotal == null ? result : directTotal.plus(result);
                } else {
                    gatewayTotal = gatewayTotal == null ? result : gatewayTotal.plus(result);
                }
            }
        }
        report.progress(stream, directTotal);
        report.progress(stream, gatewayTotal);
        return new Report.Step(stream, rate, directTotal, gatewayTotal, ProcStats.memory(options.gatewayPid()));
    }

    private void search(FixedRateRun runner, boolean stream) {
        out.println();
        out.println(time() + "throughput ceiling (" + Report.mode(stream) + "): from " + options.searchStart()
                + "/s by " + options.searchStep() + "/s up to " + options.searchMax() + "/s, "
                + options.searchDuration().toMillis() + " ms per target and rate; the gateway keeps up while it "
                + "answers >= 95% of the rate with < 1% errors");
        RateSearch search = new RateSearch(options.searchStart(), options.searchStep(), options.searchMax(),
                options.searchRefine());
        List<Report.SearchStep> steps = new ArrayList<>();
        OptionalInt rate = OptionalInt.of(search.current());
        while (rate.isPresent()) {
            PhaseResult directResult = runner.run(direct, rate.getAsInt(), options.searchDuration(), stream,
                    options.gatewayPid());
            PhaseResult gatewayResult = runner.run(gateway, rate.getAsInt(), options.searchDuration(), stream,
                    options.gatewayPid());
            report.progress(stream, directResult);
            report.progress(stream, gatewayResult);
            boolean keepsUp = RateSearch.keepsUp(gatewayResult);
            steps.add(new Report.SearchStep(stream, rate.getAsInt(), directResult, gatewayResult, keepsUp));
            rate = search.next(keepsUp);
        }
        steps.sort((a, b) -> Integer.compare(a.rate(), b.rate()));
        report.searchTable(steps);
        ProcStats.Memory memory = ProcStats.memory(options.gatewayPid());
        out.println();
        out.printf(Locale.ROOT, "throughput ceiling (%s): %s%d requests/s through the gateway%s%n",
                Report.mode(stream), search.stoppedAtMax() ? "at least " : "", search.ceiling(),
                memory.pssMb() < 0 ? "" : String.format(Locale.ROOT, "; gateway PSS %.0f MB, RSS %.0f MB after the search",
                        memory.pssMb(), memory.rssMb()));
    }

    private void header() {
        out.println("# apimeter load generator");
        out.printf(Locale.ROOT, "machine: %d cores, %s memory, load average %.2f (1 min); Java %s (%s)%n",
                Runtime.getRuntime().availableProcessors(), memoryTotal(), ProcStats.loadAverage(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.println("direct:  " + direct.chatUri());
        out.println("gateway: " + gateway.chatUri()
                + (options.gatewayPid() > 0 ? " (pid " + options.gatewayPid() + ")" : ""));
        out.println("rates " + (options.rates().isEmpty() ? "none" : options.rates()) + " req/s, "
                + options.duration().toMillis() + " ms per rate and target in " + options.rounds()
                + " alternations, warmup " + options.warmup().toMillis() + " ms, modes "
                + options.modes().stream().map(Report::mode).toList() + ", " + options.connections()
                + " connections per target, timeout " + options.timeout().toMillis() + " ms, model " + options.model());
        ProcStats.Memory memory = ProcStats.memory(options.gatewayPid());
        if (memory.pssMb() >= 0) {
            out.printf(Locale.ROOT, "gateway memory before: PSS %.0f MB, RSS %.0f MB%n", memory.pssMb(), memory.rssMb());
        }
        out.flush();
    }

    private static String memoryTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.substring(9).trim().split("\\s+")[0]);
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: say so below
        }
        return "unknown";
    }

    private static String time() {
        return "[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] ";
    }
}
