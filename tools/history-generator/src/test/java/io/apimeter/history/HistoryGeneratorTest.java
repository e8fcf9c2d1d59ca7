package io.apimeter.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.testkit.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL with the two services' schemas, made by their own Flyway migrations from their source folders,
 * side by side in one database (schemas {@code recorder} and {@code aggregation}) so that one statement can compare
 * them; the generator writes 20,000 rows for 50 customers over three months into them, as a benchmark would use.
 */
class HistoryGeneratorTest {
    private static final String RECORDER_MIGRATIONS =
            "filesystem:../../usage-recorder-service/src/main/resources/db/migration";
    private static final String AGGREGATION_MIGRATIONS =
            "filesystem:../../aggregation-service/src/main/resources/db/migration";
    private static final String DATABASE = "history";

    private static EmbeddedPostgresServer postgres;
    private static String recorderUrl;
    private static String aggregationUrl;
    private static String output;

    @BeforeAll
    static void generateTwentyThousandRows() {
        Path base = Path.of("target/test-kit").toAbsolutePath();
        postgres = EmbeddedPostgresServer.start(base.resolve("pg-work"),
                base.resolve("pg-" + UUID.randomUUID().toString().substring(0, 8)), 0, false);
        String url = postgres.createDatabase(DATABASE);
        migrate(url, "recorder", RECORDER_MIGRATIONS);
        migrate(url, "aggregation", AGGREGATION_MIGRATIONS);
        recorderUrl = url + "?currentSchema=recorder";
        aggregationUrl = url + "?currentSchema=aggregation";

        Result result = run("--rows", "20000", "--customers", "50", "--months", "3", "--end", "2026-07-01",
                "--seed", "42");

        assertEquals(0, result.status(), result.err());
        output = result.out();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldWriteExactlyTheRowsAskedFor() throws SQLException {
        assertEquals(20_000L, number("select count(*) from recorder.usage_log"));
        assertEquals(20_000L, number("select count(distinct event_id) from recorder.usage_log"));
        assertTrue(output.contains("done: 20,000 rows in usage_log"), output);
    }

    @Test
    void shouldCoverEveryProviderOutcomeAndMonth() throws SQLException {
        assertEquals(names(Provider.values()), strings("select distinct provider from recorder.usage_log"));
        assertEquals(names(Outcome.values()), strings("select distinct outcome from recorder.usage_log"));
        assertEquals(Set.of("2026-04", "2026-05", "2026-06"),
                strings("select distinct to_char(occurred_at at time zone 'UTC', 'YYYY-MM') from recorder.usage_log"));
        long errors = number("select count(*) from recorder.usage_log where outcome <> 'SUCCESS'");
        assertTrue(errors > 100 && errors < 1_500, errors + " rows not SUCCESS of 20,000");
        assertTrue(number("select count(*) from recorder.usage_log where unpriced") > 0);
        assertEquals(Set.of("chat.completions", "responses", "embeddings", "completions", "text-to-speech",
                "click-to-call", "call"), strings("select distinct operation from recorder.usage_log"));
    }

    @Test
    void shouldGiveEachMonthItsPartitionWhenTheLogIsPartitionedByMonth() throws SQLException {
        assertEquals(1L, number("select count(*) from pg_class where oid = 'recorder.usage_log'::regclass and relkind = 'p'"),
                "usage_log partitioned (usage-recorder-service's migration V2)");

        assertEquals(Set.of("usage_log_2026_04", "usage_log_2026_05", "usage_log_2026_06"), strings("""
                select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent = 'recorder.usage_log'::regclass and c.relname < 'usage_log_2026_07'
                """));
        assertEquals(20_000L, number("select (select count(*) from recorder.usage_log_2026_04)"
                + " + (select count(*) from recorder.usage_log_2026_05)"
                + " + (select count(*) from recorder.usage_log_2026_06)"));
    }

    @Test
    void shouldMakeAFewCustomersFarBiggerThanMost() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     select max(n), percentile_cont(0.5) within group (order by n), count(*)
                     from (select count(*) as n from recorder.usage_log group by customer_id) per_customer
                     """)) {
            rs.next();
            long biggest = rs.getLong(1);
            double median = rs.getDouble(2);
            assertTrue(biggest > 10 * median, "biggest " + biggest + " rows, median " + median);
            assertEquals(50, rs.getInt(3));
        }
    }

    @Test
    void shouldMeterFailedCallsAsTheGatewayDoes() throws SQLException {
        // no usage for a call the provider failed, did not answer, or the gateway refused
        assertEquals(0L, number("""
                select count(*) from recorder.usage_log
                where outcome in ('PROVIDER_ERROR', 'PROVIDER_TIMEOUT', 'PROVIDER_UNREACHABLE', 'REJECTED')
                  and input_tokens + output_tokens + cached_input_tokens + reasoning_tokens + characters
                      + call_seconds > 0
                """));
        assertEquals(0L, number("""
                select count(*) from recorder.usage_log where outcome = 'REJECTED'
                  and (http_status <> 429 or cost_usd <> 0 or unpriced or price_id is not null)
                """));
        assertEquals(0L, number("""
                select count(*) from recorder.usage_log
                where (outcome = 'PROVIDER_ERROR' and http_status not between 400 and 599)
                   or (outcome = 'PROVIDER_TIMEOUT' and http_status <> 504)
                   or (outcome = 'CLIENT_ABORTED' and http_status <> 499)
                   or (outcome = 'SUCCESS' and http_status <> 200)
                """));
        assertEquals(0L, number("select count(*) from recorder.usage_log where unpriced <> (cost_usd is null)"));
        assertEquals(0L, number("select count(*) from recorder.usage_log where recorded_at <= occurred_at"));
        assertEquals(0L, number("select count(*) from recorder.usage_log where cached_input_tokens > input_tokens"
                + " or reasoning_tokens > output_tokens"));
    }

    @Test
    void shouldKeepMonthlyUsageEqualToTheSumsOfTheLog() throws SQLException {
        // Only requests count as calls: the report of a Smartflo call's seconds (operation 'call') adds seconds
        // and cost, as aggregation-service adds a REPORT event.
        long differences = number("""
                with log as (
                    select to_char(occurred_at at time zone 'UTC', 'YYYY-MM') as month, customer_id, provider,
                           count(*) filter (where operation not in ('call', 'call.adjustment')) as calls,
                           count(*) filter (where operation not in ('call', 'call.adjustment')
                                            and outcome <> 'SUCCESS') as errors,
                           sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
                           sum(cached_input_tokens) as cached_input_tokens, sum(reasoning_tokens) as reasoning_tokens,
                           sum(characters) as characters, sum(call_seconds) as call_seconds,
                           coalesce(sum(cost_usd), 0) as cost_usd,
                           count(*) filter (where operation not in ('call', 'call.adjustment') and unpriced)
                               as unpriced_calls,
                           max(recorded_at) as updated_at
                    from recorder.usage_log group by 1, 2, 3)
                select count(*) from log full join aggregation.monthly_usage m
                    on m.month = log.month and m.customer_id = log.customer_id and m.provider = log.provider
                where log.month is null or m.month is null
                   or (log.calls, log.errors, log.input_tokens, log.output_tokens, log.cached_input_tokens,
                       log.reasoning_tokens, log.characters, log.call_seconds, log.cost_usd, log.unpriced_calls,
                       log.updated_at)
                      is distinct from
                      (m.calls, m.errors, m.input_tokens, m.output_tokens, m.cached_input_tokens, m.reasoning_tokens,
                       m.characters, m.call_seconds, m.cost_usd, m.unpriced_calls, m.updated_at)
                """);

        assertEquals(0L, differences);
        assertTrue(number("select count(*) from aggregation.monthly_usage") > 100);
        // Each customer's month is the sum of its providers' rows, as aggregation-service keeps it.
        assertEquals(0L, number("""
                select count(*) from aggregation.customer_monthly_usage c full join (
                    select month, customer_id, sum(calls) calls, sum(errors) errors, sum(cost_usd) cost_usd,
                        sum(input_tokens + output_tokens) tokens, sum(characters) characters,
                        sum(call_seconds) call_seconds, max(updated_at) updated_at
                    from aggregation.monthly_usage group by 1, 2) m using (month, customer_id)
                where (c.calls, c.errors, c.cost_usd, c.input_tokens + c.output_tokens, c.characters,
                       c.call_seconds, c.updated_at)
                      is distinct from (m.calls, m.errors, m.cost_usd, m.tokens, m.characters, m.call_seconds,
                       m.updated_at)
                """));
    }

    @Test
    void shouldRefuseToGenerateAPrefixTwice() throws SQLException {
        Result again = run("--rows", "1000", "--customers", "50", "--end", "2026-07-01");

        assertEquals(1, again.status());
        assertTrue(again.err().contains("already has usage"), again.err());
        assertTrue(again.err().contains("--customer-prefix"), again.err());
        assertTrue(again.err().contains("delete from usage_log where customer_id ~ '^gen-[0-9]+$';"), again.err());
        assertEquals(20_000L, number("select count(*) from recorder.usage_log"));
    }

    @Test
    void shouldSayWhichTableIsMissing() {
        Result result = run("--rows", "10", "--customer-prefix", "missing-",
                "--recorder-url", recorderUrl.replace("currentSchema=recorder", "currentSchema=public"));

        assertEquals(1, result.status());
        assertTrue(result.err().contains("there is no table usage_log"), result.err());
        assertFalse(result.err().contains("\tat "), result.err());
    }

    @Test
    void shouldSayWhenTheDatabaseCannotBeReached() {
        Result result = run("--rows", "10", "--recorder-url", "jdbc:postgresql://127.0.0.1:1/recorder");

        assertEquals(1, result.status());
        assertTrue(result.err().contains("cannot connect to usage-recorder-service's database"), result.err());
        assertFalse(result.err().contains("\tat "), result.err());
    }

    private record Result(int status, String out, String err) {
    }

    /** The generator against the test database (the later options win over these defaults). */
    private static Result run(String... args) {
        String[] all = new String[args.length + 8];
        System.arraycopy(new String[] {"--recorder-url", recorderUrl, "--aggregation-url", aggregationUrl,
            "--user", EmbeddedPostgresServer.USER, "--password", EmbeddedPostgresServer.PASSWORD}, 0, all, 0, 8);
        System.arraycopy(args, 0, all, 8, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = HistoryGenerator.run(withoutRepeats(all), Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Options given twice are refused, so a later one replaces the earlier. */
    private static String[] withoutRepeats(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
    }

    private static void migrate(String url, String schema, String location) {
        Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                .schemas(schema).locations(location).load().migrate();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), EmbeddedPostgresServer.USER,
                EmbeddedPostgresServer.PASSWORD);
    }

    private static long number(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<String> strings(String sql) throws SQLException {
        Set<String> values = new TreeSet<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static Set<String> names(Enum<?>[] values) {
        return new TreeSet<>(Arrays.stream(values).map(Enum::name).toList());
    }
}
