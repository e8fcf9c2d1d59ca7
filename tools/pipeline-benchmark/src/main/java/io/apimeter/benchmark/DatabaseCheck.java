package io.apimeter.benchmark;

import io.apimeter.events.Provider;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the three counting services hold for one run's customers and compares it with what was published:
 * usage-recorder-service's usage_log (one row per event), aggregation-service's and quota-service's monthly_usage
 * (sums). The customers are unique to the run, so nothing else is counted; all months are summed.
 */
final class DatabaseCheck {
    static final String RECORDER_DB = "recorder";
    static final String AGGREGATION_DB = "aggregation";
    static final String QUOTA_DB = "quota";

    private static final String RECORDER_SQL = """
            select provider, count(*), count(*) filter (where outcome <> 'SUCCESS'), coalesce(sum(input_tokens), 0),
                   coalesce(sum(output_tokens), 0), coalesce(sum(cached_input_tokens), 0),
                   coalesce(sum(reasoning_tokens), 0), coalesce(sum(characters), 0), coalesce(sum(call_seconds), 0),
                   coalesce(sum(cost_usd), 0)
            from usage_log where customer_id = any(?) group by provider
            """;
    private static final String AGGREGATION_SQL = """
            select provider, sum(calls), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
                   sum(reasoning_tokens), sum(characters), sum(call_seconds), sum(cost_usd)
            from monthly_usage where customer_id = any(?) group by provider
            """;
    private static final String QUOTA_SQL = """
            select coalesce(sum(openai_tokens), 0), coalesce(sum(elevenlabs_characters), 0),
                   coalesce(sum(smartflo_seconds), 0), coalesce(sum(cost_usd), 0), coalesce(sum(calls), 0)
            from monthly_usage where customer_id = any(?)
            """;

    private final String pgUrl;
    private final String user;
    private final String password;

    DatabaseCheck(String pgUrl, String user, String password) {
        this.pgUrl = pgUrl;
        this.user = user;
        this.password = password;
    }

    /** Every difference between what was published and what the three databases hold, one line each. */
    List<String> differences(ExpectedTotals expected, List<String> customers) {
        List<String> lines = new ArrayList<>();
        try {
            Map<Provider, ProviderTotals> recorder = perProvider(RECORDER_DB, RECORDER_SQL, customers);
            long rows = recorder.values().stream().mapToLong(ProviderTotals::calls).sum();
            if (rows != expected.events()) {
                lines.add("recorder usage_log rows: expected " + expected.events() + ", found " + rows);
            }
            for (Provider provider : Provider.values()) {
                lines.addAll(expected.of(provider).differences(recorder.getOrDefault(provider, ProviderTotals.ZERO),
                        "recorder usage_log " + provider));
            }
        } catch (SQLException e) {
            lines.add("recorder: cannot read usage_log: " + e.getMessage());
        }
        try {
            Map<Provider, ProviderTotals> aggregation = perProvider(AGGREGATION_DB, AGGREGATION_SQL, customers);
            for (Provider provider : Provider.values()) {
                lines.addAll(expected.of(provider).differences(aggregation.getOrDefault(provider, ProviderTotals.ZERO),
                        "aggregation monthly_usage " + provider));
            }
        } catch (SQLException e) {
            lines.add("aggregation: cannot read monthly_usage: " + e.getMessage());
        }
        try {
            lines.addAll(expected.quota().differences(quota(customers), "quota monthly_usage"));
        } catch (SQLException e) {
            lines.add("quota: cannot read monthly_usage: " + e.getMessage());
        }
        return lines;
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(pgUrl + "/" + database, user, password);
    }

    private Map<Provider, ProviderTotals> perProvider(String database, String sql, List<String> customers)
            throws SQLException {
        Map<Provider, ProviderTotals> totals = new EnumMap<>(Provider.class);
        try (Connection connection = connect(database);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            Array ids = connection.createArrayOf("text", customers.toArray());
            statement.setArray(1, ids);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Provider provider = Provider.valueOf(rs.getString(1));
                    totals.put(provider, new ProviderTotals(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), decimal(rs, 10)));
                }
            }
        }
        return totals;
    }

    private QuotaTotals quota(List<String> customers) throws SQLException {
        try (Connection connection = connect(QUOTA_DB);
             PreparedStatement statement = connection.prepareStatement(QUOTA_SQL)) {
            statement.setArray(1, connection.createArrayOf("text", customers.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new QuotaTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), decimal(rs, 4), rs.getLong(5));
            }
        }
    }

    private static BigDecimal decimal(ResultSet rs, int column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? BigDecimal.ZERO : value;
    }
}
