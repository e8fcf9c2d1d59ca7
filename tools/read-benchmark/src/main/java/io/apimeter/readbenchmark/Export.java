package io.apimeter.readbenchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CSV export, {@code GET /usage-logs/export}, of the biggest customer's busiest calendar month in the window:
 * the largest download a client is likely to ask for. Its body is read as a stream and only counted (records,
 * bytes), never kept, so the benchmark's own memory stays flat too. Timed: the headers, the first byte of the
 * body, the first data row, the last byte. With {@code --recorder-pid} the recorder's RSS is sampled meanwhile,
 * after the same export of a single day first: a streamed export shows the same peak for a day as for a month.
 */
final class Export {
    private static final int BUFFER = 64 * 1024;

    /**
     * One export.
     *
     * @param firstRowNanos until the first data row was complete (the second record); -1 without rows
     * @param records       CSV records (lines outside quoted fields), the header included
     * @param rssBeforeKb   the recorder's RSS before, KiB; -1 unsampled
     * @param rssMaxKb      its highest sample during the export
     * @param rssAfterKb    its RSS right after the last byte
     */
    record Result(String run, Instant from, Instant to, long headersNanos, long firstByteNanos, long firstRowNanos,
                  long totalNanos, long records, long bytes, long rssBeforeKb, long rssMaxKb, long rssAfterKb) {
        long rows() {
            return Math.max(0, records - 1);
        }
    }

    private final Api api;
    private final Options options;
    private final Customers customers;
    private final Errors errors;
    private final PrintStream out;

    Export(Api api, Options options, Customers customers, Errors errors, PrintStream out) {
        this.api = api;
        this.options = options;
        this.customers = customers;
        this.errors = errors;
        this.out = out;
    }

    void run() throws Failure, InterruptedException {
        Customers.Customer biggest = customers.biggest();
        YearMonth first = YearMonth.from(options.windowFrom().atOffset(ZoneOffset.UTC));
        YearMonth last = YearMonth.from(options.windowTo().minusNanos(1).atOffset(ZoneOffset.UTC));
        long span = ChronoUnit.MONTHS.between(first, last) + 1;
        int months = (int) Math.max(1, Math.min(24, span));
        JsonNode history = api.json(URI.create(options.aggregationUrl() + "/summaries/" + biggest.id() + "?months="
                + months + "&until=" + last));
        YearMonth busiest = null;
        long busiestCalls = -1;
        for (JsonNode item : history.path("items")) {
            YearMonth month;
            try {
                month = YearMonth.parse(item.path("month").asText(""));
            } catch (java.time.format.DateTimeParseException e) {
                continue;
            }
            long calls = item.path("calls").asLong(0);
            if (!month.isBefore(first) && !month.isAfter(last) && calls > busiestCalls) {
                busiest = month;
                busiestCalls = calls;
            }
        }
        out.printf("## Export: GET /usage-logs/export%n%n");
        if (busiest == null) {
            out.printf("Skipped: the summaries have no month of %s between %s and %s.%n%n", biggest.id(), first, last);
            return;
        }
        Instant from = busiest.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = busiest.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant dayTo = (to.isBefore(options.windowTo()) ? to : options.windowTo()).truncatedTo(ChronoUnit.DAYS);
        Instant dayFrom = dayTo.minus(1, ChronoUnit.DAYS);
        if (dayFrom.isBefore(from)) {
            dayFrom = from;
            dayTo = from.plus(1, ChronoUnit.DAYS);
        }
        out.printf(Locale.ROOT, "Customer %s (the biggest), its busiest month in the window: %s, %,d calls by the "
                + "summary (the export has more rows: a Smartflo call's billed seconds are a row of their own). First "
                + "one day of it, then the whole month %d time(s); body read as a stream, 64 KiB at a time, and "
                + "counted.%n%n", biggest.id(), busiest, busiestCalls, options.exportRuns());
        Table table = new Table(out, new String[] {"export", "from", "to", "rows", "MB", "headers ms", "first byte ms",
                "first row ms", "total s", "rows/s", "RSS max MiB"}, new int[] {7, 20, 20, 11, 8, 10, 13, 12, 8, 9, 11},
                new boolean[] {false, false, false, true, true, true, true, true, true, true, true});
        table.header();
        List<Result> results = new ArrayList<>();
        Result day = measure("1 day", biggest.id(), dayFrom, dayTo);
        if (day != null) {
            results.add(day);
            table.row(row(day));
        }
        for (int run = 1; run <= options.exportRuns(); run++) {
            Result month = measure("month " + run, biggest.id(), from, to);
            if (month != null) {
                results.add(month);
                table.row(row(month));
            }
        }
        out.println();
        if (options.recorderPid() != 0) {
            out.printf("usage-recorder-service's RSS (pid %d, VmRSS sampled every %d ms), MiB:%n%n",
                    options.recorderPid(), Rss.EVERY_MS);
            Table rss = new Table(out, new String[] {"export", "before", "max during", "after"},
                    new int[] {7, 8, 10, 8}, new boolean[] {false, true, true, true});
            rss.header();
            for (Result r : results) {
                rss.row(r.run(), Rss.mib(r.rssBeforeKb()), Rss.mib(r.rssMaxKb()), Rss.mib(r.rssAfterKb()));
            }
            out.println();
            if (day != null && results.size() > 1) {
                long monthMax = results.stream().skip(1).mapToLong(Result::rssMaxKb).max().orElse(-1);
                out.printf("Max RSS for 1 day: %s MiB; for a whole month: %s MiB.%n%n", Rss.mib(day.rssMaxKb()),
                        Rss.mib(monthMax));
            }
        }
    }

    /** One export, or null (an error, counted) when it did not answer 200 or broke off. */
    private Result measure(String run, String customerId, Instant from, Instant to)
            throws Failure, InterruptedException {
        String query = "customerId=" + URLEncoder.encode(customerId, StandardCharsets.UTF_8) + "&from="
                + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8) + "&to="
                + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8);
        URI uri = URI.create(options.recorderUrl() + "/usage-logs/export?" + query);
        long pid = options.recorderPid();
        long before = pid == 0 ? -1 : Rss.kb(pid);
        Rss rss = pid == 0 ? null : new Rss(pid);
        long bytes = 0;
        try {
            long started = System.nanoTime();
            HttpResponse<InputStream> response;
            try {
                response = api.stream(uri, Api.CSV);
            } catch (IOException e) {
                errors.add("GET /usage-logs/export?" + query + ": no answer: " + e);
                return null;
            }
            long headers = System.nanoTime() - started;
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    String text = new String(body.readNBytes(1000), StandardCharsets.UTF_8);
                    errors.add("GET /usage-logs/export?" + query + ": " + response.statusCode() + " " + Api.clip(text));
                    return null;
                }
                byte[] buffer = new byte[BUFFER];
                CsvRecords records = new CsvRecords();
                long firstByte = -1;
                long firstRow = -1;
                int n;
                while ((n = body.read(buffer)) != -1) {
                    if (n == 0) {
                        continue;
                    }
                    if (firstByte < 0) {
                        firstByte = System.nanoTime() - started;
                    }
                    bytes += n;
                    records.add(buffer, n);
                    if (firstRow < 0 && records.complete() >= 2) {
                        firstRow = System.nanoTime() - started;
                    }
                }
                long total = System.nanoTime() - started;
                long maxKb = -1;
                if (rss != null) {
                    rss.close();
                    maxKb = rss.maxKb();
                }
                return new Result(run, from, to, headers, firstByte < 0 ? total : firstByte, firstRow, total,
                        records.total(), bytes, before, maxKb, pid == 0 ? -1 : Rss.kb(pid));
            }
        } catch (IOException e) {
            errors.add("GET /usage-logs/export?" + query + ": broke off after " + bytes + " bytes: " + e);
            return null;
        } finally {
            if (rss != null) {
                rss.close();
            }
        }
    }

    private static String[] row(Result r) {
        double seconds = r.totalNanos() / 1e9;
        return new String[] {r.run(), r.from().toString(), r.to().toString(),
                String.format(Locale.ROOT, "%,d", r.rows()), String.format(Locale.ROOT, "%.1f", r.bytes() / 1e6),
                Percentiles.ms(r.headersNanos()), Percentiles.ms(r.firstByteNanos()),
                r.firstRowNanos() < 0 ? "-" : Percentiles.ms(r.firstRowNanos()),
                String.format(Locale.ROOT, "%.2f", seconds),
                seconds > 0 ? String.format(Locale.ROOT, "%,.0f", r.rows() / seconds) : "-", Rss.mib(r.rssMaxKb())};
    }
}
