package io.apimeter.aggregation.service;

import io.apimeter.events.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** Reads the monthly totals: per month across customers, and per customer across months. */
@ApplicationScoped
public class SummaryService {
    /** The totals' columns: a month of 10,000 customers is some 17,000 rows (a customer's providers). */
    private static final String COLUMNS = "select month, customer_id, provider, calls, errors, input_tokens,"
            + " output_tokens, cached_input_tokens, reasoning_tokens, characters, call_seconds, cost_usd,"
            + " unpriced_calls from monthly_usage";
    /**
     * A page of the month's customers, by their totals over all providers, with what each spent the month before.
     * The page is cut first (a top-N sort over one row per customer), then joined to the month before.
     */
    private static final String PAGE = """
            select c.customer_id, c.calls, c.errors, c.input_tokens, c.output_tokens, c.cached_input_tokens,
                c.reasoning_tokens, c.characters, c.call_seconds, c.cost_usd, c.unpriced_calls,
                coalesce(p.cost_usd, 0)
            from (select * from customer_monthly_usage c where c.month = ? %1$s order by %2$s limit ? offset ?) c
            left join customer_monthly_usage p on p.month = ? and p.customer_id = c.customer_id
            order by %2$s""";
    /** The page's customers' rows per provider. */
    private static final String PROVIDERS = COLUMNS + " where month = ? and customer_id = any(?)";
    /** How many customers a month had, what they made and spent; and what the month before cost. */
    private static final String TOTALS = """
            select c.month, count(*), sum(c.calls), sum(c.errors), sum(c.cost_usd) from customer_monthly_usage c
            where c.month in (?, ?) %s group by c.month""";
    /** Ties are ordered by customer id, in the order of its characters (ids are ASCII), whatever the collation. */
    private static final String BY_ID = "c.customer_id collate \"C\"";

    private static final int FETCH_SIZE = 2000;

    private final DataSource dataSource;

    public SummaryService(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A page of the customers that used the platform in {@code month}, with the change from the month before, and
     * the month's totals over all of them.
     *
     * @param customerId only this customer's row, and totals over it; null for every customer and the platform's
     *                   totals
     */
    public Summaries.MonthSummary month(YearMonth month, SummarySort sort, boolean ascending, String customerId,
                                        int offset, int limit) {
        String current = month.toString();
        String previous = month.minusMonths(1).toString();
        String only = customerId == null ? "" : "and c.customer_id = ?";
        String direction = ascending ? " asc" : " desc";
        String order = switch (sort) {
            case COST -> "c.cost_usd" + direction + ", " + BY_ID;
            case CALLS -> "c.calls" + direction + ", " + BY_ID;
            case ERRORS -> "c.errors" + direction + ", " + BY_ID;
            case TOKENS -> "c.input_tokens + c.output_tokens" + direction + ", " + BY_ID;
            case CUSTOMER -> BY_ID + direction;
        };
        // One snapshot for the page, its providers and the totals: a batch committed meanwhile is in all or none.
        return inSnapshot(connection -> {
            List<CustomerMonth> page = new ArrayList<>();
            List<Object> pageValues = new ArrayList<>(List.of(current));
            if (customerId != null) {
                pageValues.add(customerId);
            }
            pageValues.addAll(List.of(limit, offset, previous));
            read(connection, String.format(PAGE, only, order), result -> {
                CustomerMonth customer = new CustomerMonth(result.getString(1));
                customer.totals.add(totals(result, 2));
                customer.previousCost = result.getBigDecimal(12);
                return customer;
            }, page::add, pageValues.toArray());

            Map<String, CustomerMonth> byId = new HashMap<>();
            page.forEach(c -> byId.put(c.customerId, c));
            if (!page.isEmpty()) {
                read(connection, PROVIDERS, SummaryService::row,
                        row -> byId.get(row.customerId()).providers.put(row.provider(), row.totals()),
                        current, connection.createArrayOf("text", byId.keySet().toArray()));
            }

            Map<String, MonthSums> months = new HashMap<>();
            List<Object> totalValues = new ArrayList<>(List.of(current, previous));
            if (customerId != null) {
                totalValues.add(customerId);
            }
            read(connection, String.format(TOTALS, only), result -> new MonthSums(result.getString(1),
                    result.getLong(2), result.getLong(3), result.getLong(4), result.getBigDecimal(5)),
                    sums -> months.put(sums.month(), sums), totalValues.toArray());
            MonthSums now = months.getOrDefault(current, new MonthSums(current, 0, 0, 0, BigDecimal.ZERO));
            BigDecimal cost = now.costUsd();
            BigDecimal before = months.containsKey(previous) ? months.get(previous).costUsd() : BigDecimal.ZERO;

            List<Summaries.CustomerSummary> items = page.stream().map(c -> {
                Totals t = c.totals;
                return new Summaries.CustomerSummary(c.customerId, t.calls, t.errors, t.inputTokens, t.outputTokens,
                        t.cachedInputTokens, t.reasoningTokens, t.characters, t.callSeconds, Money.format(t.costUsd),
                        t.unpricedCalls, Money.format(c.previousCost),
                        Money.percent(PercentChange.of(t.costUsd, c.previousCost)), c.providerViews());
            }).toList();
            Summaries.PlatformTotals totals = new Summaries.PlatformTotals(now.calls(), now.errors(),
                    Money.format(cost), Money.format(before), Money.percent(PercentChange.of(cost, before)));
            return new Summaries.MonthSummary(current, now.customers(), offset, limit, items, totals);
        });
    }

    /** The customer's months from {@code until} back over {@code months} months, newest first; only months with usage. */
    public Summaries.CustomerHistory history(String customerId, YearMonth until, int months) {
        Map<String, CustomerMonth> byMonth = new LinkedHashMap<>();
        inSnapshot(connection -> {
            read(connection, COLUMNS + " where customer_id = ? and month >= ? and month <= ? order by month desc",
                    SummaryService::row,
                    row -> byMonth.computeIfAbsent(row.month(), m -> new CustomerMonth(customerId)).add(row),
                    customerId, until.minusMonths(months - 1L).toString(), until.toString());
            return null;
        });
        List<Summaries.MonthTotals> items = byMonth.entrySet().stream().map(e -> {
            Totals t = e.getValue().totals;
            return new Summaries.MonthTotals(e.getKey(), t.calls, t.errors, t.inputTokens, t.outputTokens,
                    t.cachedInputTokens, t.reasoningTokens, t.characters, t.callSeconds, Money.format(t.costUsd),
                    t.unpricedCalls, e.getValue().providerViews());
        }).toList();
        return new Summaries.CustomerHistory(customerId, items);
    }

    /** A month's totals over its customers: how many, their calls, errors and cost. */
    private record MonthSums(String month, long customers, long calls, long errors, BigDecimal costUsd) {
    }

    /** One row of monthly_usage: a customer's totals of one provider in one month. */
    private record Row(String month, String customerId, Provider provider, Totals totals) {
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet result) throws SQLException;
    }

    @FunctionalInterface
    private interface Reads<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code reads} in one read-only transaction that sees one snapshot of the totals: repeatable read, set for
     * this transaction only, so the pooled connection's own settings never change. Plain JDBC, never entities:
     * reading is all a summary does.
     */
    private <T> T inSnapshot(Reads<T> reads) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement snapshot = connection.createStatement()) {
                snapshot.execute("set transaction isolation level repeatable read, read only");
                return reads.run(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the monthly totals", e);
        }
    }

    /** Hands each row of {@code sql}, as {@code reader} makes it, to {@code handler}, a few thousand at a time. */
    private static <T> void read(Connection connection, String sql, RowReader<T> reader, Consumer<T> handler,
                                 Object... values) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setFetchSize(FETCH_SIZE);
            for (int i = 0; i < values.length; i++) {
                query.setObject(i + 1, values[i]);
            }
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    handler.accept(reader.read(result));
                }
            }
        }
    }

    private static Row row(ResultSet result) throws SQLException {
        return new Row(result.getString(1), result.getString(2), Provider.valueOf(result.getString(3)),
                totals(result, 4));
    }

    /** The ten quantities, calls to unpriced calls, from column {@code first} on. */
    private static Totals totals(ResultSet result, int first) throws SQLException {
        Totals totals = new Totals();
        totals.calls = result.getLong(first);
        totals.errors = result.getLong(first + 1);
        totals.inputTokens = result.getLong(first + 2);
        totals.outputTokens = result.getLong(first + 3);
        totals.cachedInputTokens = result.getLong(first + 4);
        totals.reasoningTokens = result.getLong(first + 5);
        totals.characters = result.getLong(first + 6);
        totals.callSeconds = result.getLong(first + 7);
        totals.costUsd = result.getBigDecimal(first + 8);
        totals.unpricedCalls = result.getLong(first + 9);
        return totals;
    }

    /** One customer's month: its totals, its rows per provider, and what it spent the month before. */
    private static final class CustomerMonth {
        final String customerId;
        final Totals totals = new Totals();
        final Map<Provider, Totals> providers = new EnumMap<>(Provider.class);
        BigDecimal previousCost = BigDecimal.ZERO;

        CustomerMonth(String customerId) {
            this.customerId = customerId;
        }

        void add(Row row) {
            totals.add(row.totals());
            providers.computeIfAbsent(row.provider(), p -> new Totals()).add(row.totals());
        }

        Map<Provider, Summaries.ProviderTotals> providerViews() {
            Map<Provider, Summaries.ProviderTotals> views = new EnumMap<>(Provider.class);
            providers.forEach((provider, t) -> views.put(provider, t.view()));
            return views;
        }
    }
}
