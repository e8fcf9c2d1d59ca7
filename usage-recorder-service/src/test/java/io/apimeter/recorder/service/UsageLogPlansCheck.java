package io.apimeter.recorder.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On demand, not in {@code ./mvnw verify}: the plan PostgreSQL runs for every filter combination of
 * {@code GET /usage-logs} against a big call log (tools/history-generator), with the SQL the service sends
 * ({@link UsageLogQuery}) and the settings of its reads ({@link UsageLogSearch#IN_INDEX_ORDER}). Prints each
 * {@code EXPLAIN (ANALYZE, BUFFERS)} as Markdown, and fails if any of them reads usage_log other than by an index
 * scan. The values are chosen to be hard: the biggest customer, ElevenLabs, REJECTED and gpt-4o-mini, so that a
 * combination of provider and model has no row at all and must end after index probes, not a scan.
 * <pre>./mvnw -pl usage-recorder-service test -Dtest=UsageLogPlansCheck \
 *     -Dapimeter.plans.url=jdbc:postgresql://127.0.0.1:5432/recorder -Dapimeter.plans.customer=gen-02870</pre>
 */
@EnabledIfSystemProperty(named = "apimeter.plans.url", matches = "jdbc:postgresql:.+")
class UsageLogPlansCheck {
    private static final String URL = System.getProperty("apimeter.plans.url");
    private static final String CUSTOMER = System.getProperty("apimeter.plans.customer", "gen-02870");
    private static final Instant FROM = Instant.parse(System.getProperty("apimeter.plans.from",
            "2026-11-15T00:00:00Z"));
    /** Deep pages continue after this instant (the middle of the one-day range, or of the months). */
    private static final Instant DEEP = FROM.plusSeconds(12 * 3600);

    @Test
    void shouldReadEveryCombinationByIndexScans() throws Exception {
        List<String> notByIndex = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        try (Connection connection = DriverManager.getConnection(URL, System.getProperty("apimeter.plans.user",
                "postgres"), System.getProperty("apimeter.plans.password", "postgres"))) {
            connection.setAutoCommit(false);
            for (int subset = 0; subset < 16; subset++) {
                for (boolean ranged : new boolean[] {false, true}) {
                    for (boolean deep : new boolean[] {false, true}) {
                        UsageLogFilter filter = new UsageLogFilter((subset & 1) == 0 ? null : CUSTOMER,
                                (subset & 2) == 0 ? null : Provider.ELEVENLABS,
                                (subset & 4) == 0 ? null : Outcome.REJECTED,
                                (subset & 8) == 0 ? null : "gpt-4o-mini", ranged ? FROM : null,
                                ranged ? FROM.plusSeconds(86_400) : null, 50,
                                deep ? new Cursor(DEEP, new UUID(-1L, -1L)) : null);
                        List<String> plan = explain(connection, UsageLogQuery.page(filter, 51));
                        report.append("### ").append(describe(filter)).append("\n\n```\n");
                        plan.forEach(line -> report.append(line).append('\n'));
                        report.append("```\n\n");
                        plan.stream().filter(line -> line.contains("Seq Scan") || line.contains("Bitmap Heap Scan"))
                                .findFirst().ifPresent(line -> notByIndex.add(describe(filter) + ": " + line.trim()));
                    }
                }
            }
        }
        System.out.println(report);
        assertEquals(List.of(), notByIndex, "plans that read usage_log other than by an index scan");
    }

    private static List<String> explain(Connection connection, UsageLogQuery.Sql sql) throws Exception {
        try (Statement settings = connection.createStatement()) {
            settings.execute(UsageLogSearch.IN_INDEX_ORDER);
        }
        List<String> lines = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("explain (analyze, buffers) " + sql.text())) {
            for (int i = 0; i < sql.values().size(); i++) {
                query.setObject(i + 1, sql.values().get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    lines.add(rows.getString(1));
                }
            }
        } finally {
            connection.rollback();
        }
        return lines;
    }

    private static String describe(UsageLogFilter filter) {
        List<String> parts = new ArrayList<>();
        if (filter.customerId() != null) {
            parts.add("customer " + filter.customerId());
        }
        if (filter.provider() != null) {
            parts.add("provider " + filter.provider());
        }
        if (filter.outcome() != null) {
            parts.add("outcome " + filter.outcome());
        }
        if (filter.model() != null) {
            parts.add("model " + filter.model());
        }
        if (filter.from() != null) {
            parts.add("from " + filter.from() + " to " + filter.to());
        }
        if (parts.isEmpty()) {
            parts.add("no filter");
        }
        return String.join(", ", parts) + (filter.after() == null ? ", first page" : ", deep page (after "
                + filter.after().occurredAt() + ")");
    }
}
