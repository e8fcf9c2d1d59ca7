package io.apimeter.readbenchmark;

import java.io.PrintStream;
import java.net.URI;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * The monthly summaries of aggregation-service: the month's list of every customer, {@code GET /summaries?month=},
 * for {@code --month} and the month before alternately (the console's first page); then one customer's two years,
 * {@code GET /summaries/{id}?months=24}, for picked customers of every size.
 */
final class SummaryReads {
    /** One timed request: latency, status, and the items of the answer (customers, or months). */
    record Sample(String key, long nanos, int status, int items) {
    }

    private final Api api;
    private final Options options;
    private final Customers customers;
    private final ExecutorService pool;
    private final Errors errors;
    private final PrintStream out;

    SummaryReads(Api api, Options options, Customers customers, ExecutorService pool, Errors errors,
                 PrintStream out) {
        this.api = api;
        this.options = options;
        this.customers = customers;
        this.pool = pool;
        this.errors = errors;
        this.out = out;
    }

    void run() throws Failure, InterruptedException {
        YearMonth month = options.month();
        YearMonth previous = month.minusMonths(1);
        out.printf(Locale.ROOT, "## Summaries: aggregation-service%n%n%d requests of each after %d of warm-up, "
                + "%d at a time.%n%n", options.summaryRequests(), options.warmup(), options.concurrency());
        Table table = new Table(out, new String[] {"request", "requests", "errors", "p50 ms", "p99 ms", "max ms",
                "items per answer"}, new int[] {47, 8, 6, 8, 8, 8, 52},
                new boolean[] {false, true, true, true, true, true, false});
        table.header();

        List<String> monthPaths = new ArrayList<>();
        for (int i = 0; i < options.warmup() + options.summaryRequests(); i++) {
            monthPaths.add("/summaries?month=" + (i % 2 == 0 ? month : previous));
        }
        List<Sample> monthSamples = send(monthPaths);
        Map<String, Integer> customersPerMonth = new TreeMap<>();
        for (Sample s : monthSamples) {
            if (s.status() == 200) {
                customersPerMonth.putIfAbsent(s.key().substring(s.key().indexOf('=') + 1), s.items());
            }
        }
        StringBuilder counts = new StringBuilder();
        customersPerMonth.forEach((m, n) -> counts.append(counts.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s: %,d customers", m, n)));
        table.row(row("GET /summaries?month=" + month + " / " + previous, measured(monthSamples),
                counts.toString()));

        SplittableRandom random = new SplittableRandom(options.seed() + 1);
        List<String> historyPaths = new ArrayList<>();
        for (int i = 0; i < options.warmup() + options.summaryRequests(); i++) {
            historyPaths.add("/summaries/" + customers.draw(random).id() + "?months=24");
        }
        List<Sample> historySamples = measured(send(historyPaths));
        double months = historySamples.stream().filter(s -> s.status() == 200).mapToInt(Sample::items).average()
                .orElse(0);
        table.row(row("GET /summaries/{id}?months=24, picked customers", historySamples,
                String.format(Locale.ROOT, "%.1f months", months)));
        out.println();
    }

    /** The samples after the warm-up. */
    private List<Sample> measured(List<Sample> all) {
        return all.subList(Math.min(options.warmup(), all.size()), all.size());
    }

    private List<Sample> send(List<String> paths) throws Failure, InterruptedException {
        List<Requests.Task<Sample>> tasks = new ArrayList<>(paths.size());
        for (String path : paths) {
            tasks.add(() -> {
                Api.Reply reply = api.get(URI.create(options.aggregationUrl() + path), Api.JSON);
                int items = 0;
                if (reply.ok()) {
                    items = api.parse(reply.body()).path("items").size();
                } else {
                    errors.add("GET " + path + ": " + reply.describe());
                }
                return new Sample(path, reply.nanos(), reply.status(), items);
            });
        }
        return Requests.run(pool, tasks);
    }

    private static String[] row(String label, List<Sample> samples, String items) {
        List<Sample> ok = samples.stream().filter(s -> s.status() == 200).toList();
        String requests = String.format(Locale.ROOT, "%,d", samples.size());
        String errors = String.format(Locale.ROOT, "%,d", samples.size() - ok.size());
        if (ok.isEmpty()) {
            return new String[] {label, requests, errors, "-", "-", "-", items};
        }
        Percentiles p = Percentiles.of(ok.stream().mapToLong(Sample::nanos).toArray());
        return new String[] {label, requests, errors, Percentiles.ms(p.p50()), Percentiles.ms(p.p99()),
                Percentiles.ms(p.max()), items};
    }
}
