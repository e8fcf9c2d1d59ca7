package io.apimeter.readbenchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The reading side's latency, as a client of the running local platform sees it over HTTP: the call log's pages
 * under every combination of its filters, first pages and deep ones; the CSV export of a big customer's month
 * (and the recorder's memory meanwhile); the monthly summaries. The writes are measured by pipeline-benchmark;
 * this needs a platform with a long history (tools/history-generator) and only reads.
 */
public final class ReadBenchmark {
    private final Options options;
    private final PrintStream out;
    private final PrintStream err;

    private ReadBenchmark(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** The whole program; returns its exit status: 0 every request answered 200, 1 not, 2 bad options. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (CommandLine.wantsHelp(args)) {
            out.print(CommandLine.USAGE);
            return 0;
        }
        Options options;
        try {
            options = CommandLine.parse(args, env, Instant::now);
        } catch (IllegalArgumentException e) {
            err.println("read-benchmark: " + e.getMessage());
            err.print(CommandLine.USAGE);
            return 2;
        }
        if (options.recorderPid() != 0 && !Rss.readable(options.recorderPid())) {
            err.println("read-benchmark: --recorder-pid: no process " + options.recorderPid()
                    + " whose /proc/<pid>/status has a VmRSS");
            return 2;
        }
        try {
            return new ReadBenchmark(options, out, err).measure();
        } catch (Failure e) {
            err.println("read-benchmark: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("read-benchmark: interrupted");
            return 1;
        }
    }

    private int measure() throws Failure, InterruptedException {
        long started = System.nanoTime();
        header();
        HttpClient client = Api.newClient();
        Api api = new Api(client, new Tokens(client, options.tokenUrl(), options.clientId(), options.clientSecret()));
        Errors errors = new Errors(err);
        Customers customers = new Discovery(api, options, out).run();
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), task -> {
            Thread thread = new Thread(task, "read-benchmark-request");
            thread.setDaemon(true);
            return thread;
        });
        try {
            if (!options.skipLogs()) {
                new LogPages(api, options, customers, pool, errors, out).run();
            }
            if (!options.skipExport()) {
                new Export(api, options, customers, errors, out).run();
            }
            if (!options.skipSummaries()) {
                new SummaryReads(api, options, customers, pool, errors, out).run();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        out.printf("Took %.0f s.%n", (System.nanoTime() - started) / 1e9);
        if (errors.count() == 0) {
            out.println("Errors: none; every request answered 200.");
            return 0;
        }
        out.printf("Errors: %,d requests did not answer 200 (warm-up included); the first:%n%n", errors.count());
        errors.first().forEach(line -> out.println("- " + line));
        return 1;
    }

    private void header() {
        out.println("# read-benchmark");
        out.println();
        out.println("- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        String commit = git("rev-parse", "--short", "HEAD");
        if (commit != null) {
            // No optional locks: the index is not refreshed, someone else may be using the checkout.
            String changes = git("--no-optional-locks", "status", "--porcelain", "--untracked-files=no");
            out.println("- commit: " + commit + (changes != null && !changes.isEmpty() ? " (and uncommitted changes)"
                    : ""));
        }
        out.println("- nproc: " + Runtime.getRuntime().availableProcessors() + "; java " + System.getProperty(
                "java.version"));
        out.println("- options: " + options);
        out.println();
    }

    /** What git prints, trimmed; null when git is missing, fails or takes more than 5 s (no checkout). */
    private static String git(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text;
            try (InputStream stdout = process.getInputStream()) {
                text = new String(stdout.readNBytes(64 * 1024), StandardCharsets.UTF_8).trim();
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? text : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
