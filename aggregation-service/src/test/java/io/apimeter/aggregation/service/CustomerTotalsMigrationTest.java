package io.apimeter.aggregation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.SharedInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Migration V3 on totals written before it: each customer's month is the sum of its providers' rows, to the last
 * digit of the cost, and the rows per provider are untouched.
 */
class CustomerTotalsMigrationTest {

    @Test
    void shouldSumEveryCustomersProvidersIntoItsMonth() throws SQLException {
        String url = SharedInfrastructure.get().postgres().recreateDatabase("aggregation_migration");
        flyway(url).target("2").load().migrate();
        try (Connection db = DriverManager.getConnection(url, EmbeddedPostgresServer.USER,
                EmbeddedPostgresServer.PASSWORD); Statement sql = db.createStatement()) {
            // 40 customers over 14 months, one to three providers each, costs with up to 12 decimals.
            sql.execute("""
                    insert into monthly_usage (month, customer_id, provider, calls, errors, input_tokens, output_tokens,
                        cached_input_tokens, reasoning_tokens, characters, call_seconds, cost_usd, unpriced_calls,
                        updated_at)
                    select to_char(date '2025-01-01' + make_interval(months => m), 'YYYY-MM'), 'c-' || c, p,
                        c * m + 1, c % 3, c * 100 + m, c * 10, c, m, c * 7, c * 3, (c * 1.000000000007 + m / 3.0)::numeric,
                        c % 2, timestamptz '2026-01-01' + make_interval(days => c + m)
                    from generate_series(0, 13) m, generate_series(1, 40) c,
                        unnest(array['OPENAI', 'ELEVENLABS', 'SMARTFLO']) with ordinality as ps(p, n)
                    where n <= 1 + (c + m) % 3
                    """);
            String providersBefore = fingerprint(sql, "monthly_usage", "month, customer_id, provider");

            flyway(url).load().migrate();

            assertEquals(providersBefore, fingerprint(sql, "monthly_usage", "month, customer_id, provider"),
                    "the rows per provider, unchanged");
            assertEquals(14 * 40, count(sql, "select count(*) from customer_monthly_usage"),
                    "a row per month and customer");
            assertEquals(0, count(sql, """
                    select count(*) from customer_monthly_usage c full join (
                        select month, customer_id, sum(calls) calls, sum(errors) errors, sum(input_tokens) input_tokens,
                            sum(output_tokens) output_tokens, sum(cached_input_tokens) cached_input_tokens,
                            sum(reasoning_tokens) reasoning_tokens, sum(characters) characters,
                            sum(call_seconds) call_seconds, sum(cost_usd) cost_usd, sum(unpriced_calls) unpriced_calls,
                            max(updated_at) updated_at
                        from monthly_usage group by month, customer_id) m using (month, customer_id)
                    where (c.calls, c.errors, c.input_tokens, c.output_tokens, c.cached_input_tokens,
                            c.reasoning_tokens, c.characters, c.call_seconds, c.cost_usd, c.unpriced_calls, c.updated_at)
                        is distinct from (m.calls, m.errors, m.input_tokens, m.output_tokens, m.cached_input_tokens,
                            m.reasoning_tokens, m.characters, m.call_seconds, m.cost_usd, m.unpriced_calls, m.updated_at)
                    """), "customer months that differ from the sum of their providers");
        }
    }

    private static long count(Statement sql, String query) throws SQLException {
        try (ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String fingerprint(Statement sql, String table, String key) throws SQLException {
        try (ResultSet row = sql.executeQuery("select count(*) || ' ' || md5(string_agg(t::text, '|' order by "
                + key + ")) from " + table + " t")) {
            row.next();
            return row.getString(1);
        }
    }

    private static FluentConfiguration flyway(String url) {
        return Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                .locations("classpath:db/migration");
    }
}
