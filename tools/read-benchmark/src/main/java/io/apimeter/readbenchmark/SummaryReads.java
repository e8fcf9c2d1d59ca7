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
 * The monthly summaries of aggregation-service: the month's list of customers, {@code GET /summaries?month=}, for
 * {@code --month} and the month before alternately: its first page by each sort (the console's first page), its last
 * page, and every customer of the month a page of 1,000 at a time; then one customer's two years,
 * {@code GET /summaries/{id}?months=24}, for picked customers of every size.
 */
final class SummaryReads {
    /** One timed request: latency, status, and the items of the answer (customers, or months). */
    record Sample(String key, long nanos, int status, int items) {
    }

    private static final String[] SORTS = {"cost", "calls", "tokens", "errors", "customer"};
    /** The API's default page, and its largest. */
    private static final int PAGE = 100;
    private static final int LARGEST_PAGE = 1000;

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
                "items per answer"}, new int[] {48, 8, 6, 8, 8, 8, 52},
                new boolean[] {false, true, true, true, true, true, false});
        table.header();

        // How many customers each month has: the last page's offset, and the walk's length.
        Map<YearMonth, Long> customerCounts = new TreeMap<>();
        for (YearMonth m : List.of(month, previous)) {
            Api.Reply reply = api.get(URI.create(options.aggregationUrl() + "/summaries?month=" + m + "&limit=0"),
                    Api.JSON);
            if (!reply.ok()) {
                throw new Failure("GET /summaries?month=" + m + "&limit=0: " + reply.describe());
            }
            customerCounts.put(m, api.parse(reply.body()).path("customerCount").asLong());
        }
        StringBuilder counts = new StringBuilder();
        customerCounts.forEach((m, n) -> counts.append(counts.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s: %,d", m, n)));

        List<String> firstPages = new ArrayList<>();
        List<String> lastPages = new ArrayList<>();
        for (int i = 0; i < options.warmup() + options.summaryRequests(); i++) {
            YearMonth m = i % 2 == 0 ? month : previous;
            String sort = SORTS[(i / 2) % SORTS.length];
            firstPages.add("/summaries?month=" + m + "&sort=" + sort);
            lastPages.add("/summaries?month=" + m + "&sort=" + sort + "&offset="
                    + Math.max(0, customerCounts.get(m) - PAGE));
        }
        table.row(row("GET /summaries?month=, first page, each sort", measured(send(firstPages)),
                "100 of " + counts));
        table.row(row("GET /summaries?month=, last page, each sort", measured(send(lastPages)),
                "the last 100 of " + counts));

        // Every customer of the month, 1,000 at a time, one page after the other: what reading all of it costs.
        List<Long> walks = new ArrayList<>();
        List<Sample> walkPages = new ArrayList<>();
        int walkCount = Math.max(1, options.summaryRequests() / 20);
        for (int w = 0; w < walkCount + 1; w++) {
            YearMonth m = w % 2 == 0 ? month : previous;
            List<String> paths = new ArrayList<>();
            for (long offset = 0; offset < customerCounts.get(m); offset += LARGEST_PAGE) {
                paths.add("/summaries?month=" + m + "&limit=" + LARGEST_PAGE + "&offset=" + offset);
            }
            List<Sample> pages = sequential(paths);
            if (w > 0) { // the first walk warms up
                walkPages.addAll(pages);
                walks.add(pages.stream().mapToLong(Sample::nanos).sum());
            }
        }
        table.row(row("GET /summaries?month=&limit=1000, every page", walkPages,
                String.format(Locale.ROOT, "1,000 (%d walks of the whole month)", walks.size())));
        Percentiles whole = Percentiles.of(walks.stream().mapToLong(Long::longValue).toArray());
        String wholeMonth = String.format(Locale.ROOT, "whole month, %d walks: p50 %s, max %s ms",
                walks.size(), Percentiles.ms(whole.p50()), Percentiles.ms(whole.max()));

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
        out.println("Reading every customer of a month, page after page of 1,000: " + wholeMonth + ".");
        out.println();
    }

    /** The samples after the warm-up. */
    private List<Sample> measured(List<Sample> all) {
        return all.subList(Math.min(options.warmup(), all.size()), all.size());
    }

    /** One request after the other, whatever {@code --concurrency} says: a client paging through a month. */
    private List<Sample> sequential(List<String> paths) throws Failure, InterruptedException {
        List<Sample> samples = new ArrayList<>(paths.size());
        for (String path : paths) {
            samples.add(timed(path));
        }
        return samples;
    }

    private Sample timed(String path) throws Failure, InterruptedException {
        Api.Reply reply = api.get(URI.create(options.aggregationUrl() + path), Api.JSON);
        int items = 0;
        if (reply.ok()) {
            items = api.parse(reply.body()).path("items").size();
        } else {
            errors.add("GET " + path + ": " + reply.describe());
        }
        return new Sample(path, reply.nanos(), reply.status(), items);
    }

    private List<Sample> send(List<String> paths) throws Failure, InterruptedException {
        List<Requests.Task<Sample>> tasks = new ArrayList<>(paths.size());
        for (String path : paths) {
            tasks.add(() -> timed(path));
        }
        return Requests.run(pool, tasks);
    }

    private static String[] row(String label, List<Sample> samples, String items) {
        long[] ok = samples.stream().filter(s -> s.status() == 200).mapToLong(Sample::nanos).toArray();
        return Percentiles.row(label, samples.size(), ok, items);
    }
}
