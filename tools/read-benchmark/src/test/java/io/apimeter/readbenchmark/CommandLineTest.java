package io.apimeter.readbenchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
    private static final Instant NOW = Instant.parse("2026-05-20T10:11:12.345Z");

    @Test
    void shouldDefaultToTheLocalPlatformAndTheLastThreeMonths() {
        Options o = CommandLine.parse(new String[0], Map.of(), () -> NOW);

        assertEquals(URI.create("http://127.0.0.1:8081"), o.recorderUrl());
        assertEquals(URI.create("http://127.0.0.1:8082"), o.aggregationUrl());
        assertEquals(URI.create("http://127.0.0.1:8180/realms/apimeter/protocol/openid-connect/token"), o.tokenUrl());
        assertEquals("apimeter-automation", o.clientId());
        assertEquals("apimeter-automation-local-secret", o.clientSecret());
        assertEquals(YearMonth.of(2026, 5), o.month());
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), o.windowFrom());
        assertEquals(Instant.parse("2026-05-20T10:11:12Z"), o.windowTo());
        assertEquals(200, o.requests());
        assertEquals(20, o.warmup());
        assertEquals(1, o.seed());
        assertEquals(50, o.limit());
        assertEquals(1, o.concurrency());
        assertEquals(2, o.exportRuns());
        assertEquals(200, o.summaryRequests());
        assertEquals(0, o.recorderPid());
        assertFalse(o.skipLogs());
        assertFalse(o.skipExport());
        assertFalse(o.skipSummaries());
    }

    @Test
    void shouldReadEveryOption() {
        Options o = CommandLine.parse(new String[] {"--recorder-url", "http://localhost:18081/", "--aggregation-url=http://127.0.0.2:18082",
                "--token-url", "http://127.0.0.1:18180/t", "--client-id", "other", "--client-secret", "s3cret",
                "--month", "2026-02", "--window-from", "2026-01-15", "--window-to", "2026-02-10T12:00:00+01:00",
                "--requests", "1_000", "--warmup", "0", "--seed", "-9", "--limit", "500", "--concurrency", "4",
                "--export-runs", "3", "--summary-requests", "50", "--recorder-pid", "1234", "--skip-logs",
                "--skip-export", "--skip-summaries"}, Map.of("APIMETER_AUTOMATION_SECRET", "ignored"), () -> NOW);

        assertEquals(URI.create("http://localhost:18081"), o.recorderUrl());
        assertEquals(URI.create("http://127.0.0.2:18082"), o.aggregationUrl());
        assertEquals(URI.create("http://127.0.0.1:18180/t"), o.tokenUrl());
        assertEquals("other", o.clientId());
        assertEquals("s3cret", o.clientSecret());
        assertEquals("--client-secret", o.secretSource());
        assertEquals(YearMonth.of(2026, 2), o.month());
        assertEquals(Instant.parse("2026-01-15T00:00:00Z"), o.windowFrom());
        assertEquals(Instant.parse("2026-02-10T11:00:00Z"), o.windowTo());
        assertEquals(1000, o.requests());
        assertEquals(0, o.warmup());
        assertEquals(-9, o.seed());
        assertEquals(500, o.limit());
        assertEquals(4, o.concurrency());
        assertEquals(3, o.exportRuns());
        assertEquals(50, o.summaryRequests());
        assertEquals(1234, o.recorderPid());
        assertTrue(o.skipLogs());
        assertTrue(o.skipExport());
        assertTrue(o.skipSummaries());
    }

    @Test
    void shouldEndTheDefaultWindowWithAPastMonth() {
        Options o = CommandLine.parse(new String[] {"--month", "2026-02"}, Map.of(), () -> NOW);

        assertEquals(Instant.parse("2025-12-01T00:00:00Z"), o.windowFrom());
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), o.windowTo());
    }

    @Test
    void shouldTakeTheSecretFromTheEnvironmentAndNeverPrintIt() {
        Options o = CommandLine.parse(new String[0], Map.of("APIMETER_AUTOMATION_SECRET", "from-env"), () -> NOW);

        assertEquals("from-env", o.clientSecret());
        assertEquals("APIMETER_AUTOMATION_SECRET", o.secretSource());
        assertFalse(o.toString().contains("from-env"), o.toString());
        Options local = CommandLine.parse(new String[0], Map.of(), () -> NOW);
        assertFalse(local.toString().contains(CommandLine.LOCAL_SECRET), local.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--requests=0", "--requests=many", "--warmup=-1", "--limit=0", "--limit=501",
            "--concurrency=0", "--concurrency=65", "--export-runs=0", "--summary-requests=0", "--recorder-pid=0",
            "--recorder-pid=abc", "--seed=1.5", "--month=2026-13", "--month=May", "--window-from=yesterday",
            "--window-to=2026-05-01T00:00:00", "--window-from=2026-06-01", "--recorder-url=http://10.0.0.5:8081",
            "--aggregation-url=ftp://127.0.0.1:8082", "--token-url=http://keycloak.example.com/token",
            "--recorder-url=127.0.0.1:8081", "--client-id=", "--client-secret=", "--skip-logs=true", "--verbose",
            "--requests", "positional"})
    void shouldRefuseBadOptions(String arg) {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {arg}, Map.of(), () -> NOW));
    }

    @Test
    void shouldRefuseAnOptionGivenTwiceAndAnEmptyWindow() {
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--requests", "5", "--requests", "6"}, Map.of(), () -> NOW));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--window-from",
                "2026-05-01", "--window-to", "2026-05-01"}, Map.of(), () -> NOW));
    }

    @Test
    void shouldAnswerBadOptionsWithTheUsageAndStatusTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ReadBenchmark.run(new String[] {"--limit", "1000"}, Map.of(), print(out), print(err));

        String error = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status);
        assertTrue(error.startsWith("read-benchmark: --limit: must be 1 to 500, got 1000\n"), error);
        assertTrue(error.contains("Usage: java -jar read-benchmark.jar [options]"), error);
        assertFalse(error.contains("Exception"), error);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintTheUsageOnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = ReadBenchmark.run(new String[] {"--help"}, Map.of(), print(out), print(new ByteArrayOutputStream()));

        assertEquals(0, status);
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--recorder-url", "--aggregation-url", "--token-url", "--client-id",
                "--client-secret", "--month", "--window-from", "--window-to", "--requests", "--warmup", "--seed",
                "--limit", "--concurrency", "--export-runs", "--summary-requests", "--recorder-pid", "--skip-logs",
                "--skip-export", "--skip-summaries"}) {
            assertTrue(usage.contains(flag + " "), flag);
        }
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
