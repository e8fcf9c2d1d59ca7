package io.apimeter.history;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.postgresql.copy.CopyIn;

/**
 * Fills usage-recorder-service's usage_log and aggregation-service's monthly_usage with months of generated call
 * history, for benchmarks of reads. One thread makes the rows as COPY text while {@code --streams} connections each
 * stream chunks of it into a {@code COPY usage_log FROM STDIN} of their own ({@link UsageLogCopy}); monthly_usage
 * gets the sums of exactly those rows, by one more COPY. Each connection writes in one transaction, and all are
 * committed together at the end: a run that fails, or is stopped, leaves no row behind (only the month partitions
 * of usage_log it made, empty). The services' APIs are not used.
 */
public final class HistoryGenerator {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final Options options;
    private final PrintStream out;

    private HistoryGenerator(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** The whole program; returns its exit status: 0 written, 1 could not write (nothing written), 2 bad options. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (CommandLine.wantsHelp(args)) {
            out.print(CommandLine.USAGE);
            return 0;
        }
        Options options;
        try {
            options = CommandLine.parse(args, env, Instant::now);
        } catch (IllegalArgumentException e) {
            err.println("history-generator: " + e.getMessage());
            err.print(CommandLine.USAGE);
            return 2;
        }
        try {
            new HistoryGenerator(options, out).generate();
            return 0;
        } catch (Failure e) {
            err.println("history-generator: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("history-generator: interrupted; nothing was written");
            return 1;
        }
    }

    private void generate() throws Failure, InterruptedException {
        long started = System.nanoTime();
        // The prefix goes into the seed: two prefixes never make the same event ids.
        SplittableRandom random = new SplittableRandom(options.seed()
                ^ options.customerPrefix().hashCode() * 0x9E3779B97F4A7C15L);
        Timeline timeline = new Timeline(options.months(), options.end());
        Customers customers = new Customers(options.customerPrefix(), options.customers(), options.skew(), random);
        header(timeline, customers);
        List<Connection> recorders = new ArrayList<>();
        try (Connection aggregation = Databases.connect(options.aggregationUrl(), options.user(), options.password(),
                "aggregation-service")) {
            recorders.add(Databases.connect(options.recorderUrl(), options.user(), options.password(),
                    "usage-recorder-service"));
            checkTargets(recorders.get(0), aggregation, customers);
            List<String> partitions = Databases.ensurePartitions(recorders.get(0), timeline.months());
            if (!partitions.isEmpty()) {
                out.println("made partitions of usage_log: " + String.join(", ", partitions));
            }
            while (recorders.size() < options.streams()) {
                recorders.add(Databases.connect(options.recorderUrl(), options.user(), options.password(),
                        "usage-recorder-service"));
            }
            for (Connection recorder : recorders) {
                recorder.setAutoCommit(false);
            }
            aggregation.setAutoCommit(false);
            MonthlyTotals totals = new MonthlyTotals(customers.count(), timeline.months());
            long copyStarted = System.nanoTime();
            Progress progress = new Progress(options.rows());
            long rows = UsageLogCopy.copy(recorders, new CallHistory(options.rows(), customers, timeline, random),
                    customers, totals, progress::maybePrint);
            Duration copyTook = Duration.ofNanos(System.nanoTime() - copyStarted);
            out.printf(Locale.ROOT, "usage_log: %,d rows copied in %s (%,d rows/s)%n", rows, format(copyTook),
                    perSecond(rows, copyTook));
            long monthly = copyMonthlyUsage(aggregation, totals, customers);
            out.printf(Locale.ROOT, "monthly_usage: %,d rows copied%n", monthly);
            commit(recorders, aggregation);
            analyze(recorders.get(0), aggregation);
            summary(customers, timeline, totals, rows, monthly, Duration.ofNanos(System.nanoTime() - started),
                    copyTook);
        } catch (SQLException e) {
            throw new Failure("the database refused: " + e.getMessage() + "\n  No row was committed.");
        } finally {
            for (Connection recorder : recorders) {
                try {
                    recorder.close(); // rolls back what was not committed
                } catch (SQLException e) {
                    // closing is all that was left to do
                }
            }
        }
    }

    /** Both tables exist, and no customer of this run has rows yet in either. */
    private void checkTargets(Connection recorder, Connection aggregation, Customers customers)
            throws Failure, SQLException {
        Databases.requireTable(recorder, "usage_log", options.recorderUrl(), "usage-recorder-service");
        Databases.requireTable(aggregation, "monthly_usage", options.aggregationUrl(), "aggregation-service");
        Databases.requireTable(aggregation, "customer_monthly_usage", options.aggregationUrl(),
                "aggregation-service");
        String prefix = options.customerPrefix();
        Optional<String> taken = Databases.customerWithPrefix(aggregation, prefix);
        if (taken.isEmpty()) {
            taken = Databases.customerInLog(recorder, customers.ids());
        }
        if (taken.isPresent()) {
            throw new Failure("customer " + taken.get() + " already has usage: the history of a prefix is "
                    + "generated once.\n  Choose another --customer-prefix, or delete the generated customers first:\n"
                    + deleteStatements());
        }
    }

    private static final String CUSTOMER_TOTALS = """
            insert into customer_monthly_usage (month, customer_id, calls, errors, input_tokens, output_tokens,
                cached_input_tokens, reasoning_tokens, characters, call_seconds, cost_usd, unpriced_calls, updated_at)
            select month, customer_id, sum(calls), sum(errors), sum(input_tokens), sum(output_tokens),
                sum(cached_input_tokens), sum(reasoning_tokens), sum(characters), sum(call_seconds), sum(cost_usd),
                sum(unpriced_calls), max(updated_at)
            from monthly_usage where customer_id ~ ? group by month, customer_id""";

    private long copyMonthlyUsage(Connection aggregation, MonthlyTotals totals, Customers customers)
            throws SQLException {
        CopyIn copy = Databases.copyIn(aggregation, "monthly_usage", MonthlyTotals.COLUMNS);
        long rows;
        try {
            totals.writeCopyText(customers, chunk -> copy.writeToCopy(chunk.bytes, 0, chunk.length));
            rows = copy.endCopy();
        } catch (SQLException | RuntimeException e) {
            UsageLogCopy.cancel(copy);
            throw e;
        }
        // Each customer's month over its providers, as aggregation-service keeps it beside monthly_usage.
        try (PreparedStatement sum = aggregation.prepareStatement(CUSTOMER_TOTALS)) {
            sum.setString(1, Databases.customerPattern(options.customerPrefix()));
            sum.executeUpdate();
        }
        return rows;
    }

    /**
     * usage_log first, then monthly_usage: every transaction is complete by now, so a commit failing is all that
     * can part them; should one fail after another succeeded, say how to clear what was committed.
     */
    private void commit(List<Connection> recorders, Connection aggregation) throws SQLException, Failure {
        recorders.get(0).commit();
        try {
            for (Connection recorder : recorders.subList(1, recorders.size())) {
                recorder.commit();
            }
            aggregation.commit();
        } catch (SQLException e) {
            throw new Failure("part of the history was committed, then a commit failed: " + e.getMessage()
                    + "\n  Delete the generated rows before trying again:\n" + deleteStatements());
        }
    }

    /** What removes the customers of this prefix from both tables, and nobody else. */
    private String deleteStatements() {
        String pattern = Databases.customerPattern(options.customerPrefix());
        return "    delete from usage_log where customer_id ~ '" + pattern + "';      -- " + options.recorderUrl()
                + "\n    delete from monthly_usage where customer_id ~ '" + pattern + "';  -- "
                + options.aggregationUrl()
                + "\n    delete from customer_monthly_usage where customer_id ~ '" + pattern + "';  -- "
                + options.aggregationUrl();
    }

    /** Fresh planner statistics for the benchmark's first queries; a failure here only costs a warning. */
    private void analyze(Connection recorder, Connection aggregation) {
        long started = System.nanoTime();
        try {
            recorder.setAutoCommit(true);
            aggregation.setAutoCommit(true);
            Databases.analyze(recorder, "usage_log");
            Databases.analyze(aggregation, "monthly_usage");
            Databases.analyze(aggregation, "customer_monthly_usage");
            out.printf(Locale.ROOT, "committed; analyze took %s%n",
                    format(Duration.ofNanos(System.nanoTime() - started)));
        } catch (SQLException e) {
            out.println("committed; analyze failed (run it before measuring): " + e.getMessage());
        }
    }

    private void header(Timeline timeline, Customers customers) {
        out.println("# apimeter history generator");
        out.printf(Locale.ROOT, "rows %,d over %,d customers (%s to %s, skew %s), seed %d%n", options.rows(),
                customers.count(), customers.id(0), customers.id(customers.count() - 1),
                BigDecimal.valueOf(options.skew()).stripTrailingZeros().toPlainString(), options.seed());
        out.printf(Locale.ROOT, "months %s: %s to %s (exclusive)%n", joined(timeline), timeline.start(),
                timeline.end());
        out.println("usage_log:     " + options.recorderUrl() + " (" + options.streams() + " COPY streams)");
        out.println("monthly_usage: " + options.aggregationUrl());
        out.flush();
    }

    private void summary(Customers customers, Timeline timeline, MonthlyTotals totals, long rows, long monthly,
                         Duration took, Duration copyTook) {
        List<Integer> bySize = new ArrayList<>();
        long[] sizes = new long[customers.count()];
        int withRows = 0;
        for (int c = 0; c < customers.count(); c++) {
            bySize.add(c);
            sizes[c] = totals.rowsOf(c);
            withRows += sizes[c] > 0 ? 1 : 0;
        }
        bySize.sort(Comparator.comparingLong((Integer c) -> totals.rowsOf(c)).reversed());
        Arrays.sort(sizes);
        StringBuilder biggest = new StringBuilder();
        for (int i = 0; i < Math.min(3, bySize.size()); i++) {
            int c = bySize.get(i);
            biggest.append(i == 0 ? "" : ", ").append(customers.id(c))
                    .append(String.format(Locale.ROOT, " (%,d)", totals.rowsOf(c)));
        }
        out.println();
        out.printf(Locale.ROOT, "done: %,d rows in usage_log, %,d in monthly_usage%n", rows, monthly);
        out.printf(Locale.ROOT, "customers: %,d with rows of %,d; biggest %s; median %,d rows%n", withRows,
                customers.count(), biggest, sizes[sizes.length / 2]);
        StringBuilder months = new StringBuilder();
        for (int m = 0; m < timeline.months().size(); m++) {
            months.append(m == 0 ? "" : ", ").append(timeline.months().get(m))
                    .append(String.format(Locale.ROOT, " %,d", totals.rowsOfMonth(m)));
        }
        out.println("months: " + months);
        StringBuilder providers = new StringBuilder();
        for (Provider provider : Provider.values()) {
            providers.append(provider == Provider.OPENAI ? "" : ", ").append(provider)
                    .append(String.format(Locale.ROOT, " %,d", totals.rowsOf(provider)));
        }
        out.println("rows by provider: " + providers);
        long calls = totals.calls();
        StringBuilder outcomes = new StringBuilder();
        for (Outcome outcome : Outcome.values()) {
            if (outcome != Outcome.SUCCESS && totals.calls(outcome) > 0) {
                outcomes.append(outcomes.length() == 0 ? "" : ", ").append(outcome)
                        .append(String.format(Locale.ROOT, " %,d", totals.calls(outcome)));
            }
        }
        out.printf(Locale.ROOT, "calls: %,d (the other %,d rows bill Smartflo calls' seconds); not SUCCESS: %s "
                + "(%s); unpriced: %,d (%s)%n", calls, rows - calls, outcomes,
                percent(calls - totals.calls(Outcome.SUCCESS), calls), totals.unpricedCalls(),
                percent(totals.unpricedCalls(), calls));
        out.println("cost: USD " + totals.totalCost().setScale(2, RoundingMode.HALF_EVEN).toPlainString());
        out.printf(Locale.ROOT, "took %s (usage_log: %,d rows/s)%n", format(took), perSecond(rows, copyTook));
    }

    private static String joined(Timeline timeline) {
        return String.join(", ", timeline.months().stream().map(Object::toString).toList());
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "0 %" : String.format(Locale.ROOT, "%.2f %%", 100.0 * part / whole);
    }

    static long perSecond(long rows, Duration took) {
        return took.toNanos() == 0 ? rows : rows * 1_000_000_000L / took.toNanos();
    }

    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
        }
        return seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
    }

    /** A progress line every few seconds: rows so far, the rate of the last seconds and overall, the time left. */
    private final class Progress {
        private final long total;
        private final long started = System.nanoTime();
        private long lastAt = started;
        private long lastRows;

        Progress(long total) {
            this.total = total;
        }

        void maybePrint(long rows) {
            long now = System.nanoTime();
            if (now - lastAt < PROGRESS_EVERY.toNanos()) {
                return;
            }
            long recent = perSecond(rows - lastRows, Duration.ofNanos(now - lastAt));
            long overall = perSecond(rows, Duration.ofNanos(now - started));
            String left = overall == 0 ? "?" : format(Duration.ofSeconds((total - rows) / Math.max(1, overall)));
            out.printf(Locale.ROOT,
                    "[%s] %,d of %,d rows (%.1f %%), %,d rows/s now, %,d rows/s overall, about %s left%n",
                    LocalTime.now().truncatedTo(ChronoUnit.SECONDS), rows, total, 100.0 * rows / total, recent,
                    overall, left);
            out.flush();
            lastAt = now;
            lastRows = rows;
        }
    }
}
