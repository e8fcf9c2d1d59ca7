package io.apimeter.recorder.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.SharedInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V2 on a call log written by V1: every row is still there, unchanged, in the partition of its month;
 * the months around now have partitions; a redelivered event is still stored once.
 */
class UsageLogMigrationTest {
    private static final int ROWS = 3000;

    @Test
    void shouldMoveEveryCallIntoThePartitionOfItsMonth() throws SQLException {
        String url = SharedInfrastructure.get().postgres().recreateDatabase("recorder_migration");
        flyway(url).target("1").load().migrate();
        try (Connection db = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             Statement sql = db.createStatement()) {
            // Calls over the last 14 months, a few in a month far ahead, and every nullable column null in some.
            sql.execute("""
                    insert into usage_log (event_id, customer_id, api_key_id, provider, operation, model, priced_model,
                        occurred_at, latency_ms, http_status, outcome, input_tokens, output_tokens, cached_input_tokens,
                        reasoning_tokens, characters, call_seconds, estimated, cost_usd, unpriced, price_id,
                        price_version, recorded_at)
                    select gen_random_uuid(), 'c-' || (i % 37), case when i % 5 = 0 then null else 'k-' || i end,
                        (array['OPENAI', 'ELEVENLABS', 'SMARTFLO'])[1 + i % 3], 'op', case when i % 7 = 0 then null
                        else 'gpt-4o' end, case when i % 11 = 0 then null else 'gpt-4o' end,
                        case when i % 500 = 0 then now() + interval '400 days'
                             else now() - (i * interval '14 months') / :rows end,
                        i, 200, 'SUCCESS', i, i * 2, 0, 0, 0, 0, i % 2 = 0,
                        case when i % 13 = 0 then null else (i / 1000.0)::numeric(20, 10) end, i % 13 = 0,
                        'p-1', 1, now()
                    from generate_series(1, :rows) i
                    """.replace(":rows", String.valueOf(ROWS)));
            String before = fingerprint(sql);

            flyway(url).load().migrate();

            assertEquals(before, fingerprint(sql), "every call, each column unchanged");
            try (ResultSet misplaced = sql.executeQuery("select count(*) from usage_log where tableoid::regclass::text"
                    + " <> 'usage_log_' || to_char(occurred_at at time zone 'UTC', 'YYYY_MM')")) {
                misplaced.next();
                assertEquals(0, misplaced.getLong(1), "calls outside the partition of their month");
            }
            List<String> partitions = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery("select c.relname from pg_inherits i join pg_class c"
                    + " on c.oid = i.inhrelid where i.inhparent = 'usage_log'::regclass order by 1")) {
                while (rows.next()) {
                    partitions.add(rows.getString(1));
                }
            }
            YearMonth now = UsageLogPartitions.monthOf(Instant.now());
            for (int ahead = 0; ahead <= 2; ahead++) {
                String name = UsageLogPartitions.name(now.plusMonths(ahead));
                assertTrue(partitions.contains(name), name + " among " + partitions);
            }
            try (ResultSet again = sql.executeQuery("""
                    with redelivered as (
                        insert into usage_log select * from usage_log limit 10
                        on conflict (event_id, occurred_at) do nothing returning 1)
                    select count(*) from redelivered""")) {
                again.next();
                assertEquals(0, again.getLong(1), "calls stored again");
            }
        }
    }

    private static String fingerprint(Statement sql) throws SQLException {
        try (ResultSet row = sql.executeQuery("select count(*) || ' ' || md5(string_agg(u::text, '|' order by event_id))"
                + " from usage_log u")) {
            row.next();
            return row.getString(1);
        }
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url) {
        return Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                .locations("classpath:db/migration");
    }
}
