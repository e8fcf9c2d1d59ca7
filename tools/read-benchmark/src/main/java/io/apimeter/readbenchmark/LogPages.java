package io.apimeter.readbenchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * The call log's pages, {@code GET /usage-logs}, shape by shape ({@link Shape#all()}): {@code --warmup} requests,
 * then {@code --requests} timed ones, each with its own random values. Percentiles are over the requests that
 * answered 200; the others are errors.
 */
final class LogPages {
    private static final int SLOWEST = 5;

    /** One timed request: its shape, query, latency, status and rows on the page (200 only). */
    record Sample(Shape shape, String query, long nanos, int status, int rows) {
    }

    private final Api api;
    private final Options options;
    private final Customers customers;
    private final ExecutorService pool;
    private final Errors errors;
    private final PrintStream out;

    LogPages(Api api, Options options, Customers customers, ExecutorService pool, Errors errors, PrintStream out) {
        this.api = api;
        this.options = options;
        this.customers = customers;
        this.pool = pool;
        this.errors = errors;
        this.out = out;
    }

    void run() throws Failure, InterruptedException {
        List<Shape> shapes = Shape.all();
        Queries queries = new Queries(customers, options.windowFrom(), options.windowTo(), options.limit(),
                new SplittableRandom(options.seed()));
        out.printf(Locale.ROOT, "## Call log pages: GET /usage-logs%n%n%d shapes; each %d requests after %d of warm-up, "
                + "limit %d, %d at a time; latency from sending to the last byte of the body; \"range\" is one day "
                + "inside the window, \"deep\" starts at a cursor made for a random instant of the window or the "
                + "range.%n%n", shapes.size(), options.requests(), options.warmup(), options.limit(),
                options.concurrency());
        int labelWidth = shapes.stream().mapToInt(s -> s.label().length()).max().orElse(10);
        Table table = new Table(out, new String[] {"shape", "requests", "errors", "p50 ms", "p99 ms", "max ms",
                "rows/page"}, new int[] {labelWidth, 8, 6, 8, 8, 8, 9},
                new boolean[] {false, true, true, true, true, true, true});
        table.header();
        List<Sample> all = new ArrayList<>();
        for (Shape shape : shapes) {
            List<String> warm = new ArrayList<>(options.warmup());
            for (int i = 0; i < options.warmup(); i++) {
                warm.add(queries.next(shape));
            }
            List<String> measured = new ArrayList<>(options.requests());
            for (int i = 0; i < options.requests(); i++) {
                measured.add(queries.next(shape));
            }
            send(shape, warm);
            List<Sample> samples = send(shape, measured);
            all.addAll(samples);
            table.row(row(shape.label(), samples));
        }
        table.row(row("all shapes", all));
        out.println();
        out.println("Slowest requests:");
        out.println();
        all.stream().filter(s -> s.status() == 200).sorted(Comparator.comparingLong(Sample::nanos).reversed())
                .limit(SLOWEST).forEach(s -> out.printf(Locale.ROOT, "- %s ms, %d rows, %s: GET /usage-logs?%s%n",
                        Percentiles.ms(s.nanos()), s.rows(), s.shape().label(), s.query()));
        out.println();
    }

    private List<Sample> send(Shape shape, List<String> queryStrings) throws Failure, InterruptedException {
        List<Requests.Task<Sample>> tasks = new ArrayList<>(queryStrings.size());
        for (String query : queryStrings) {
            tasks.add(() -> {
                URI uri = URI.create(options.recorderUrl() + "/usage-logs?" + query);
                Api.Reply reply = api.get(uri, Api.JSON);
                int rows = 0;
                if (reply.ok()) {
                    JsonNode page = api.parse(reply.body());
                    rows = page.path("items").size();
                } else {
                    errors.add("GET /usage-logs?" + query + ": " + reply.describe());
                }
                return new Sample(shape, query, reply.nanos(), reply.status(), rows);
            });
        }
        return Requests.run(pool, tasks);
    }

    private static String[] row(String label, List<Sample> samples) {
        List<Sample> ok = samples.stream().filter(s -> s.status() == 200).toList();
        String rows = ok.isEmpty() ? "-"
                : String.format(Locale.ROOT, "%.1f", ok.stream().mapToInt(Sample::rows).average().orElse(0));
        return Percentiles.row(label, samples.size(), ok.stream().mapToLong(Sample::nanos).toArray(), rows);
    }
}
