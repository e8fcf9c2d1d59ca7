package io.apimeter.recorder.service;

import io.apimeter.recorder.config.RecorderConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The call log's monthly partitions: {@code usage_log_YYYY_MM} holds the calls that occurred in that UTC month
 * (migration V2 made the table partitioned).
 *
 * <ul>
 * <li>Made ahead: this month's and the next {@code partition-months-ahead} months', at start and daily.</li>
 * <li>Made on demand: the writer asks for the month of every call of a batch before it stores the batch, so that
 * a very late or far future call lands in a partition of its own month. A partition is made as a table of its own,
 * then attached (which locks the writers out of nothing: {@code SHARE UPDATE EXCLUSIVE} on the log).</li>
 * <li>Removed by retention: a month that ended before the cut-off is detached concurrently (writers and readers of
 * other months go on; PostgreSQL waits for readers of that month) and dropped; in the month the cut-off falls in,
 * the older calls are deleted in bounded batches, each its own transaction.</li>
 * </ul>
 * Replicas may do all of this at the same time: changes to the partitions take an advisory lock and check again
 * under it.
 */
@ApplicationScoped
public class UsageLogPartitions {
    private static final Logger LOG = Logger.getLogger(UsageLogPartitions.class);
    private static final String TABLE = "usage_log";
    private static final Pattern NAME = Pattern.compile("usage_log_(\\d{4})_(\\d{2})");
    /** Held while a partition is made (transaction lock) and while retention runs (session lock). */
    private static final long MAKE_LOCK = 0x75736167655f6dL;
    private static final long PURGE_LOCK = 0x75736167655f70L;

    private final DataSource dataSource;
    private final RecorderConfig config;
    private final Clock clock;
    /** Months seen with a partition attached; a month retention drops is forgotten. */
    private final Set<YearMonth> attached = ConcurrentHashMap.newKeySet();

    public UsageLogPartitions(DataSource dataSource, RecorderConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
    }

    /** What a retention run removed. */
    public record Purge(int partitionsDropped, long rowsDropped, long rowsDeleted) {
    }

    /** The partition that holds the calls of {@code month}. */
    public static String name(YearMonth month) {
        return String.format("%s_%04d_%02d", TABLE, month.getYear(), month.getMonthValue());
    }

    /** The UTC month {@code instant} falls in. */
    public static YearMonth monthOf(Instant instant) {
        return YearMonth.from(instant.atZone(ZoneOffset.UTC));
    }

    static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Whether every call of {@code month} occurred before {@code cutoff}. */
    private static boolean endedBy(YearMonth month, Instant cutoff) {
        return !start(month.plusMonths(1)).isAfter(cutoff);
    }

    /** The month a partition's name stands for, or null for a table not named as a partition. */
    private static YearMonth monthOfName(String table) {
        Matcher name = NAME.matcher(table);
        return name.matches() ? YearMonth.of(Integer.parseInt(name.group(1)), Integer.parseInt(name.group(2))) : null;
    }

    void makeAheadAtStart(@Observes StartupEvent event) {
        makeAhead();
    }

    @Scheduled(identity = "usage-log-partitions", cron = "${apimeter.recorder.partition-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void makeAheadDaily() {
        makeAhead();
    }

    /** Makes the partitions of this month and of the next {@code partition-months-ahead} months. */
    public void makeAhead() {
        YearMonth now = monthOf(clock.instant());
        Set<YearMonth> months = new TreeSet<>();
        for (int i = 0; i <= config.partitionMonthsAhead(); i++) {
            months.add(now.plusMonths(i));
        }
        ensure(months);
    }

    /** Makes the partition of every month given that has none; outside any transaction of the caller. */
    public void ensure(Collection<YearMonth> months) {
        if (attached.containsAll(months)) {
            return;
        }
        QuarkusTransaction.suspendingExisting().run(() -> {
            try (Connection connection = dataSource.getConnection()) {
                for (YearMonth month : new TreeSet<>(months)) {
                    if (!attached.contains(month)) {
                        make(connection, month);
                        attached.add(month);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot make the call log's partitions " + months + ": " + e.getMessage(), e);
            }
        });
    }

    private void make(Connection connection, YearMonth month) throws SQLException {
        String name = name(month);
        String from = start(month).toString();
        String to = start(month.plusMonths(1)).toString();
        connection.setAutoCommit(false);
        try (Statement sql = connection.createStatement()) {
            sql.execute("set local lock_timeout = '10s'");
            sql.execute("select pg_advisory_xact_lock(" + MAKE_LOCK + ")");
            if (!attachedMonths(connection).containsKey(month)) {
                if (exists(connection, name)) {
                    // Only retention detaches, and only a month past the cut-off: a leftover of a run cut short.
                    if (endedBy(month, cutoff())) {
                        sql.execute("drop table " + name);
                    } else {
                        throw new IllegalStateException("a table " + name + " exists that is not a partition of "
                                + TABLE + "; rename or drop it so that the calls of " + month + " can be stored");
                    }
                }
                sql.execute("create table " + name + " (like " + TABLE + " including defaults including constraints)");
                // The check spares ATTACH a scan of the new table; the partition's own bound replaces it after.
                sql.execute("alter table " + name + " add constraint " + name + "_month check (occurred_at >= '" + from
                        + "' and occurred_at < '" + to + "')");
                sql.execute("alter table " + TABLE + " attach partition " + name + " for values from ('" + from
                        + "') to ('" + to + "')");
                sql.execute("alter table " + name + " drop constraint " + name + "_month");
                LOG.infof("made partition %s of the call log (%s to %s)", name, from, to);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * Removes every call that occurred before {@code cutoff}: each month that ended by then, whole, then the older
     * calls of the month the cut-off falls in, {@code batchSize} rows per transaction. Skips the run (and says so)
     * while another replica's runs.
     */
    public Purge purgeBefore(Instant cutoff, int batchSize) {
        return QuarkusTransaction.suspendingExisting().call(() -> {
            try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
                connection.setAutoCommit(true);
                if (!lock(connection, "pg_try_advisory_lock")) {
                    LOG.infof("another replica is removing expired calls; skipped");
                    return new Purge(0, 0, 0);
                }
                try {
                    sql.execute("set lock_timeout = '30s'");
                    return purge(connection, sql, cutoff, batchSize);
                } finally {
                    sql.execute("reset lock_timeout");
                    lock(connection, "pg_advisory_unlock");
                }
            }
        });
    }

    private Purge purge(Connection connection, Statement sql, Instant cutoff, int batchSize) throws SQLException {
        int dropped = 0;
        long rowsDropped = 0;
        // a detach cut short by a crash or a timeout is finished first
        try (ResultSet pending = sql.executeQuery("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                + " where i.inhparent = '" + TABLE + "'::regclass and i.inhdetachpending")) {
            while (pending.next()) {
                String name = pending.getString(1);
                try (Statement finish = connection.createStatement()) {
                    finish.execute("alter table " + TABLE + " detach partition " + name + " finalize");
                }
            }
        }
        for (var partition : attachedMonths(connection).entrySet()) {
            YearMonth month = partition.getKey();
            if (!endedBy(month, cutoff)) {
                continue;
            }
            String name = partition.getValue();
            long rows = estimatedRows(connection, name);
            attached.remove(month);
            sql.execute("alter table " + TABLE + " detach partition " + name + " concurrently");
            sql.execute("drop table " + name);
            dropped++;
            rowsDropped += rows;
            LOG.infof("dropped partition %s of the call log (about %d calls), all before %s", name, rows, cutoff);
        }
        // a table detached but not dropped (a run cut short between the two)
        for (String name : detachedLeftovers(connection, cutoff)) {
            sql.execute("drop table " + name);
            LOG.infof("dropped %s, detached from the call log by an earlier run", name);
        }
        long deleted = 0;
        YearMonth straddled = monthOf(cutoff);
        if (start(straddled).isBefore(cutoff) && attachedMonths(connection).containsKey(straddled)) {
            String name = name(straddled);
            try (PreparedStatement delete = connection.prepareStatement("delete from " + name
                    + " where ctid = any(array(select ctid from " + name + " where occurred_at < ? limit ?))")) {
                delete.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
                delete.setInt(2, batchSize);
                int n;
                do {
                    n = delete.executeUpdate();
                    deleted += n;
                } while (n == batchSize);
            }
        }
        return new Purge(dropped, rowsDropped, deleted);
    }

    /** The attached partitions by month, oldest first. */
    private static TreeMap<YearMonth, String> attachedMonths(Connection connection) throws SQLException {
        TreeMap<YearMonth, String> months = new TreeMap<>();
        try (Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                     + " where i.inhparent = '" + TABLE + "'::regclass and not i.inhdetachpending")) {
            while (rows.next()) {
                YearMonth month = monthOfName(rows.getString(1));
                if (month != null) {
                    months.put(month, rows.getString(1));
                }
            }
        }
        return months;
    }

    private static Set<String> detachedLeftovers(Connection connection, Instant cutoff) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                     + " where n.nspname = current_schema() and c.relkind = 'r' and c.relname ~ '^" + TABLE
                     + "_[0-9]{4}_[0-9]{2}$' and not c.relispartition")) {
            while (rows.next()) {
                YearMonth month = monthOfName(rows.getString(1));
                if (month != null && endedBy(month, cutoff)) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement sql = connection.prepareStatement("select to_regclass(?) is not null")) {
            sql.setString(1, name);
            try (ResultSet row = sql.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** The planner's count of a partition's rows, or an exact count of one never analysed (a small one). */
    private static long estimatedRows(Connection connection, String name) throws SQLException {
        try (PreparedStatement sql = connection.prepareStatement("select reltuples::bigint from pg_class where oid = to_regclass(?)")) {
            sql.setString(1, name);
            try (ResultSet row = sql.executeQuery()) {
                if (row.next() && row.getLong(1) > 0) {
                    return row.getLong(1);
                }
            }
        }
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery("select count(*) from " + name)) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    private static boolean lock(Connection connection, String function) throws SQLException {
        try (Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("select " + function + "(" + PURGE_LOCK + ")")) {
            return row.next() && row.getBoolean(1);
        }
    }

    private Instant cutoff() {
        return clock.instant().minus(java.time.Duration.ofDays(config.retentionDays()));
    }
}
