package io.apimeter.aggregation.service;

import io.apimeter.events.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
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
    /** What each customer spent in a month, summed by the database: all the month before contributes. */
    private static final String COSTS = "select customer_id, sum(cost_usd) from monthly_usage where month = ?";

    private static final int FETCH_SIZE = 2000;

    private final DataSource dataSource;

    public SummaryService(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * One row per customer that used the platform in {@code month}, with the change from the month before.
     *
     * @param customerId only this customer's rows, and totals over them; null for every customer and the
     *                   platform's totals
     */
    public Summaries.MonthSummary month(YearMonth month, SummarySort sort, boolean ascending, String customerId) {
        String current = month.toString();
        String previous = month.minusMonths(1).toString();
        Map<String, CustomerMonth> customers = new HashMap<>();
        Totals platform = new Totals();
        Consumer<Row> add = row -> {
            customers.computeIfAbsent(row.customerId(), CustomerMonth::new).add(row);
            platform.add(row.totals());
        };
        Map<String, BigDecimal> previousCost = new HashMap<>();
        BigDecimal[] platformPrevious = {BigDecimal.ZERO};
        RowReader<Map.Entry<String, BigDecimal>> cost = result -> Map.entry(result.getString(1),
                result.getBigDecimal(2));
        Consumer<Map.Entry<String, BigDecimal>> addCost = entry -> {
            previousCost.put(entry.getKey(), entry.getValue());
            platformPrevious[0] = platformPrevious[0].add(entry.getValue());
        };
        if (customerId == null) {
            read(COLUMNS + " where month = ?", SummaryService::row, add, current);
            read(COSTS + " group by customer_id", cost, addCost, previous);
        } else {
            read(COLUMNS + " where month = ? and customer_id = ?", SummaryService::row, add, current, customerId);
            read(COSTS + " and customer_id = ? group by customer_id", cost, addCost, previous, customerId);
        }

        List<CustomerMonth> ordered = new ArrayList<>(customers.values());
        Comparator<CustomerMonth> byKey = switch (sort) {
            case COST -> Comparator.comparing(c -> c.totals.costUsd);
            case CALLS -> Comparator.comparingLong(c -> c.totals.calls);
            case TOKENS -> Comparator.comparingLong(c -> c.totals.tokens());
        };
        ordered.sort((ascending ? byKey : byKey.reversed()).thenComparing(c -> c.customerId));

        // Each customer's row is made when it is read (written out): a month of 10,000 customers is some 6 MB of JSON,
        // and holding it all as objects while it is written kept the collector busier than the rest of the request.
        List<Summaries.CustomerSummary> items = new AbstractList<>() {
            @Override
            public Summaries.CustomerSummary get(int index) {
                CustomerMonth c = ordered.get(index);
                Totals t = c.totals;
                BigDecimal before = previousCost.getOrDefault(c.customerId, BigDecimal.ZERO);
                return new Summaries.CustomerSummary(c.customerId, t.calls, t.errors, t.inputTokens, t.outputTokens,
                        t.cachedInputTokens, t.reasoningTokens, t.characters, t.callSeconds, Money.format(t.costUsd),
                        t.unpricedCalls, Money.format(before), Money.percent(PercentChange.of(t.costUsd, before)),
                        c.providerViews());
            }

            @Override
            public int size() {
                return ordered.size();
            }
        };
        Summaries.PlatformTotals totals = new Summaries.PlatformTotals(platform.calls, platform.errors,
                Money.format(platform.costUsd), Money.format(platformPrevious[0]),
                Money.percent(PercentChange.of(platform.costUsd, platformPrevious[0])));
        return new Summaries.MonthSummary(current, items, totals);
    }

    /** The customer's months from {@code until} back over {@code months} months, newest first; only months with usage. */
    public Summaries.CustomerHistory history(String customerId, YearMonth until, int months) {
        Map<String, CustomerMonth> byMonth = new LinkedHashMap<>();
        read(COLUMNS + " where customer_id = ? and month >= ? and month <= ? order by month desc", SummaryService::row,
                row -> byMonth.computeIfAbsent(row.month(), m -> new CustomerMonth(customerId)).add(row),
                customerId, until.minusMonths(months - 1L).toString(), until.toString());
        List<Summaries.MonthTotals> items = byMonth.entrySet().stream().map(e -> {
            Totals t = e.getValue().totals;
            return new Summaries.MonthTotals(e.getKey(), t.calls, t.errors, t.inputTokens, t.outputTokens,
                    t.cachedInputTokens, t.reasoningTokens, t.characters, t.callSeconds, Money.format(t.costUsd),
                    t.unpricedCalls, e.getValue().providerViews());
        }).toList();
        return new Summaries.CustomerHistory(customerId, items);
    }

    /** One row of monthly_usage: a customer's totals of one provider in one month. */
    private record Row(String month, String customerId, Provider provider, Totals totals) {
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet result) throws SQLException;
    }

    /**
     * Hands each row of a query of monthly_usage, as {@code reader} makes it, to {@code handler}, through a cursor
     * that holds a few thousand rows at a time. Plain objects, never entities: reading is all a summary does, and
     * managing tens of thousands of entities for a month of every customer cost more than the query.
     */
    private <T> void read(String sql, RowReader<T> reader, Consumer<T> handler, Object... values) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
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
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the monthly totals", e);
        }
    }

    private static Row row(ResultSet result) throws SQLException {
        Totals totals = new Totals();
        totals.calls = result.getLong(4);
        totals.errors = result.getLong(5);
        totals.inputTokens = result.getLong(6);
        totals.outputTokens = result.getLong(7);
        totals.cachedInputTokens = result.getLong(8);
        totals.reasoningTokens = result.getLong(9);
        totals.characters = result.getLong(10);
        totals.callSeconds = result.getLong(11);
        totals.costUsd = result.getBigDecimal(12);
        totals.unpricedCalls = result.getLong(13);
        return new Row(result.getString(1), result.getString(2), Provider.valueOf(result.getString(3)), totals);
    }

    /** One customer's rows of one month, summed, and kept per provider. */
    private static final class CustomerMonth {
        final String customerId;
        final Totals totals = new Totals();
        final Map<Provider, Totals> providers = new EnumMap<>(Provider.class);

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
