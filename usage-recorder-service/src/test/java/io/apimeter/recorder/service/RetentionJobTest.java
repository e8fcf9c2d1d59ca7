package io.apimeter.recorder.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.apimeter.events.UsageEvent;
import io.apimeter.recorder.MovableClock;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.SampleEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retention by month partitions, driven by the service's clock: months that ended before the cut-off are dropped
 * whole, the month the cut-off falls in loses only its older calls (in bounded batches), later months are kept.
 * A database of its own: the test owns every partition in it.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder_retention"))
class RetentionJobTest {
    /** Now, for the service: retention 90 days puts the cut-off at 2031-03-17T12:00:00Z. */
    private static final Instant NOW = Instant.parse("2031-06-15T12:00:00Z");
    private static final Instant CUTOFF = Instant.parse("2031-03-17T12:00:00Z");

    @Inject
    MovableClock clock;
    @Inject
    RetentionJob retention;
    @Inject
    UsageLogPartitions partitions;
    @Inject
    UsageLogWriter writer;
    @Inject
    AgroalDataSource dataSource;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void shouldDropTheMonthsPastNinetyDaysAndTrimTheMonthTheCutoffFallsIn() throws SQLException {
        // no month before 2029 left, whatever ran before (the months made at start are those of the real now)
        partitions.purgeBefore(Instant.parse("2029-01-01T00:00:00Z"), 1000);
        clock.set(NOW);
        String customer = SampleEvents.newCustomer();
        List<UsageEvent> expired = Stream.of("2029-07-04T10:00:00Z", "2031-01-01T00:00:00Z", "2031-01-31T23:59:59Z",
                        "2031-02-14T08:00:00Z", "2031-03-01T00:00:00Z", "2031-03-10T09:00:00Z",
                        "2031-03-17T11:59:59.999999Z")
                .map(t -> SampleEvents.openAi(customer, Instant.parse(t), "0.01")).toList();
        List<UsageEvent> kept = Stream.of("2031-03-17T12:00:00Z", "2031-03-31T23:59:59Z", "2031-04-02T00:00:00Z",
                        "2031-06-15T11:00:00Z")
                .map(t -> SampleEvents.openAi(customer, Instant.parse(t), "0.01")).toList();
        List<UsageEvent> all = new ArrayList<>(expired);
        all.addAll(kept);
        assertEquals(all.size(), writer.recordAll(all, NOW));
        partitions.makeAhead();
        assertEquals(List.of("usage_log_2029_07", "usage_log_2031_01", "usage_log_2031_02", "usage_log_2031_03",
                "usage_log_2031_04", "usage_log_2031_06", "usage_log_2031_07", "usage_log_2031_08"), monthsAttached());

        UsageLogPartitions.Purge purge = retention.purge();

        assertEquals(3, purge.partitionsDropped(), "whole months dropped: " + purge);
        assertEquals(4, purge.rowsDropped(), "calls of the months dropped: " + purge);
        assertEquals(3, purge.rowsDeleted(), "calls of March before the cut-off: " + purge);
        assertEquals(List.of("usage_log_2031_03", "usage_log_2031_04", "usage_log_2031_06", "usage_log_2031_07",
                "usage_log_2031_08"), monthsAttached());
        assertEquals(ids(kept), idsOf(customer));
        assertEquals(List.of(), leftoverTables(), "tables detached and not dropped");

        // a month later (cut-off 2031-04-17T12:00:00Z) the whole of March is past, and the call of April 2
        clock.set(NOW.plus(31, ChronoUnit.DAYS));
        UsageLogPartitions.Purge next = retention.purge();
        assertEquals(1, next.partitionsDropped(), "March dropped: " + next);
        assertEquals(1, next.rowsDeleted(), "the call of April 2: " + next);
        assertEquals(ids(kept.subList(3, 4)), idsOf(customer));
    }

    @Test
    void shouldDeleteTheOlderCallsOfTheMonthTheCutoffFallsInInBoundedBatches() throws SQLException {
        String customer = SampleEvents.newCustomer();
        Instant cutoff = Instant.parse("2035-05-20T00:00:00Z");
        List<UsageEvent> older = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            older.add(SampleEvents.openAi(customer, Instant.parse("2035-05-0" + day + "T06:00:00Z"), "0.01"));
        }
        UsageEvent newer = SampleEvents.openAi(customer, cutoff, "0.01");
        List<UsageEvent> all = new ArrayList<>(older);
        all.add(newer);
        writer.recordAll(all, cutoff);

        // batches of 2: three deletes (2, 2, 1)
        UsageLogPartitions.Purge purge = partitions.purgeBefore(cutoff, 2);

        assertEquals(5, purge.rowsDeleted(), purge.toString());
        assertEquals(Set.of(newer.eventId()), idsOf(customer));
        assertEquals(List.of("usage_log_2035_05"), names("select c.relname from pg_inherits i join pg_class c"
                + " on c.oid = i.inhrelid where c.relname = 'usage_log_2035_05'"), "the month itself stays");
    }

    private static Set<UUID> ids(List<UsageEvent> events) {
        Set<UUID> ids = new TreeSet<>(Comparator.comparing(UUID::toString));
        events.forEach(e -> ids.add(e.eventId()));
        return ids;
    }

    private Set<UUID> idsOf(String customer) throws SQLException {
        Set<UUID> ids = new TreeSet<>(Comparator.comparing(UUID::toString));
        try (Connection db = dataSource.getConnection(); Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("select event_id from usage_log where customer_id = '" + customer + "'")) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private List<String> monthsAttached() throws SQLException {
        return names("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                + " where i.inhparent = 'usage_log'::regclass and c.relname between 'usage_log_2029' and 'usage_log_2032'"
                + " order by 1");
    }

    private List<String> leftoverTables() throws SQLException {
        return names("select relname from pg_class where relkind = 'r' and relname like 'usage\\_log\\_%'"
                + " and not relispartition order by 1");
    }

    private List<String> names(String query) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection db = dataSource.getConnection(); Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
