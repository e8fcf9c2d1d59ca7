package io.apimeter.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
    private static final Instant NOW = Instant.parse("2026-06-15T10:20:30.123456789Z");

    @Test
    void shouldDefaultToFiftyMillionRowsOfThreeMonthsIntoTheLocalPlatform() {
        Options options = CommandLine.parse(new String[0], Map.of(), () -> NOW);

        assertEquals(50_000_000L, options.rows());
        assertEquals(10_000, options.customers());
        assertEquals(3, options.months());
        assertEquals(Instant.parse("2026-06-15T10:20:30.123456Z"), options.end());
        assertEquals("gen-", options.customerPrefix());
        assertEquals(1.0, options.skew());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/recorder", options.recorderUrl());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/aggregation", options.aggregationUrl());
        assertEquals("postgres", options.user());
        assertEquals("postgres", options.password());
        assertEquals(2, options.streams());
    }

    @Test
    void shouldReadEveryOption() {
        Options options = CommandLine.parse(new String[] {"--rows", "2m", "--customers=50", "--months", "12",
                "--end", "2026-07-01", "--seed", "-7", "--skew", "1.2", "--customer-prefix", "bench_a.",
                "--recorder-url", "jdbc:postgresql://db:5433/rec", "--aggregation-url=jdbc:postgresql://db:5433/agg",
                "--user", "meter", "--password", "secret", "--streams", "3"}, Map.of("PGPASSWORD", "ignored"),
                () -> NOW);

        assertEquals(2_000_000L, options.rows());
        assertEquals(50, options.customers());
        assertEquals(12, options.months());
        assertEquals(Instant.parse("2026-07-01T00:00:00Z"), options.end());
        assertEquals(-7L, options.seed());
        assertEquals(1.2, options.skew());
        assertEquals("bench_a.", options.customerPrefix());
        assertEquals("jdbc:postgresql://db:5433/rec", options.recorderUrl());
        assertEquals("jdbc:postgresql://db:5433/agg", options.aggregationUrl());
        assertEquals("meter", options.user());
        assertEquals("secret", options.password());
        assertEquals(3, options.streams());
    }

    @Test
    void shouldReadCountsWithSeparatorsAndSuffixes() {
        assertEquals(50_000_000L, CommandLine.count("--rows", "50_000_000", 0, 1, Long.MAX_VALUE));
        assertEquals(20_000L, CommandLine.count("--rows", "20k", 0, 1, Long.MAX_VALUE));
        assertEquals(3_000_000L, CommandLine.count("--rows", "3M", 0, 1, Long.MAX_VALUE));
    }

    @Test
    void shouldTakeThePasswordFromPgpassword() {
        Options options = CommandLine.parse(new String[0], Map.of("PGPASSWORD", "from-env"), () -> NOW);

        assertEquals("from-env", options.password());
    }

    @Test
    void shouldTakeAnInstantWithItsOffsetAsTheEnd() {
        Options options = CommandLine.parse(new String[] {"--end", "2026-06-15T12:00:00+05:30"}, Map.of(), () -> NOW);

        assertEquals(Instant.parse("2026-06-15T06:30:00Z"), options.end());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--rows=0", "--rows=lots", "--rows=3_000_000_000", "--rows=5_", "--customers=0",
            "--customers=2000000", "--months=0", "--months=121", "--end=yesterday", "--end=1999-12-31",
            "--end=2026-06-15T12:00:00", "--seed=1.5", "--skew=-1", "--skew=4", "--skew=NaN",
            "--customer-prefix=-gen", "--customer-prefix=gen/", "--customer-prefix=",
            "--recorder-url=postgres://127.0.0.1/recorder", "--aggregation-url=jdbc:mysql://x/y", "--user=",
            "--streams=0", "--streams=17", "--verbose", "--rows"})
    void shouldRefuseBadOptions(String arg) {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {arg}, Map.of(), () -> NOW));
    }

    @Test
    void shouldRefuseAnOptionGivenTwice() {
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--rows", "5", "--rows", "6"}, Map.of(), () -> NOW));
    }

    @Test
    void shouldAnswerBadOptionsWithTheUsageAndStatusTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = HistoryGenerator.run(new String[] {"--rows", "many"}, Map.of(), print(out), print(err));

        String error = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status);
        assertTrue(error.startsWith("history-generator: --rows: not a number: 'many'\n"), error);
        assertTrue(error.contains("Usage: java -jar history-generator.jar [options]"), error);
        assertFalse(error.contains("Exception"), error);
        assertFalse(error.contains("\tat "), error);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintTheUsageOnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = HistoryGenerator.run(new String[] {"--help"}, Map.of(), print(out),
                print(new ByteArrayOutputStream()));

        assertEquals(0, status);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--customer-prefix <p>"));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
