package io.apimeter.readbenchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What there is to ask for: every customer's calls in {@code --month} and the month before, from the summaries
 * (one request each, instead of counting the call log), and the customers picked from them by size.
 */
final class Discovery {
    private static final int PAGE = 1000;

    private final Api api;
    private final Options options;
    private final PrintStream out;

    Discovery(Api api, Options options, PrintStream out) {
        this.api = api;
        this.options = options;
        this.out = out;
    }

    Customers run() throws Failure, InterruptedException {
        YearMonth month = options.month();
        YearMonth previous = month.minusMonths(1);
        Map<String, Long> calls = new HashMap<>();
        add(calls, month);
        add(calls, previous);
        Customers customers;
        try {
            customers = Customers.pick(calls);
        } catch (IllegalArgumentException e) {
            throw new Failure("no customer has calls in " + previous + " or " + month
                    + " (aggregation-service's summaries); fill the databases with tools/history-generator, or "
                    + "give --month");
        }
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "## Discovery%n%n%,d customers with calls in %s and %s, %,d calls together. Picked:%n%n",
                customers.known(), previous, month, total);
        Table table = new Table(out, new String[] {"group", "rank", "customer", "calls " + previous + " + " + month},
                new int[] {10, 6, 12, 12}, new boolean[] {false, true, false, true});
        table.header();
        for (Customers.Customer customer : customers.all()) {
            table.row(customer.group(), String.format(Locale.ROOT, "%,d", customer.rank()), customer.id(),
                    String.format(Locale.ROOT, "%,d", customer.calls()));
        }
        out.println();
        out.println("Models: " + String.join(", ", Queries.MODELS));
        out.println("Window: " + options.windowFrom() + " to " + options.windowTo() + " (exclusive)");
        out.println();
        return customers;
    }

    /** Every customer of the month, a page of the API's largest (1,000) at a time. */
    private void add(Map<String, Long> calls, YearMonth month) throws Failure, InterruptedException {
        long customers = 1;
        for (long offset = 0; offset < customers; offset += PAGE) {
            JsonNode summary = api.json(URI.create(options.aggregationUrl() + "/summaries?month=" + month
                    + "&sort=customer&order=asc&limit=" + PAGE + "&offset=" + offset));
            customers = summary.path("customerCount").asLong(0);
            for (JsonNode item : summary.path("items")) {
                String id = item.path("customerId").asText("");
                if (!id.isEmpty()) {
                    calls.merge(id, item.path("calls").asLong(0), Long::sum);
                }
            }
        }
    }
}
