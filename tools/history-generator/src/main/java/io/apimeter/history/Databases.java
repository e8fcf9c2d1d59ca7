package io.apimeter.history;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** The JDBC side: connecting, the checks before writing, COPY, ANALYZE. */
final class Databases {
    /**
     * The advisory lock usage-recorder-service's {@code UsageLogPartitions} holds while it makes a partition
     * ({@code MAKE_LOCK} there): a recorder running meanwhile waits for this run's partitions, and this run for its.
     */
    static final long MAKE_PARTITION_LOCK = 0x75736167655f6dL;

    private Databases() {
    }

    /** A connection to one service's database, or a {@link Failure} that says which and why not. */
    static Connection connect(String url, String user, String password, String service) throws Failure {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", "apimeter-history-generator");
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw new Failure("cannot connect to " + service + "'s database " + url + " as " + user + ": "
                    + e.getMessage() + "\n  Is PostgreSQL running (./apimeter up), and are the URL, user and password "
                    + "right?");
        }
    }

    /** Fails unless the table exists where the connection's search path finds it. */
    static void requireTable(Connection connection, String table, String url, String service)
            throws Failure, SQLException {
        try (PreparedStatement find = connection.prepareStatement("select to_regclass(?)")) {
            find.setString(1, table);
            try (ResultSet rs = find.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) {
                    throw new Failure("there is no table " + table + " in " + url + ": " + service + " creates it "
                            + "when it starts (Flyway); start it once, e.g. with ./apimeter up");
                }
            }
        }
    }

    /** The regular expression of the customer ids generated with this prefix: the prefix and digits. */
    static String customerPattern(String prefix) {
        // The prefix is letters, digits, '.', '_' and '-': only '.' means something in a regular expression.
        return "^" + prefix.replace(".", "\\.") + "[0-9]+$";
    }

    /** A customer in monthly_usage named as this run would name one (prefix and digits), if any. */
    static Optional<String> customerWithPrefix(Connection aggregation, String prefix) throws SQLException {
        try (PreparedStatement find = aggregation.prepareStatement(
                "select customer_id from monthly_usage where customer_id ~ ? limit 1")) {
            find.setString(1, customerPattern(prefix));
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** One of these customers that has rows in usage_log, if any (probes the customer index, no scan). */
    static Optional<String> customerInLog(Connection recorder, List<String> customers) throws SQLException {
        try (PreparedStatement find = recorder.prepareStatement(
                "select customer_id from usage_log where customer_id = any(?) limit 1")) {
            Array ids = recorder.createArrayOf("text", customers.toArray());
            find.setArray(1, ids);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * When usage_log is partitioned by month (usage-recorder-service's migration V2), makes the partition of every
     * month given that has none, the way the service's {@code UsageLogPartitions} makes one, so that the service
     * treats it as its own (retention drops it whole): {@code usage_log_YYYY_MM} for [first instant of the month,
     * first of the next) in UTC, made as a table of its own and attached, under the advisory lock the service takes
     * for this, in a transaction committed before any row is written. The service makes only this month's and the
     * next ones ahead; a history reaches back. Returns the partitions made; none for an unpartitioned table.
     */
    static List<String> ensurePartitions(Connection recorder, List<YearMonth> months) throws SQLException, Failure {
        if (!partitioned(recorder, "usage_log")) {
            return List.of();
        }
        List<String> made = new ArrayList<>();
        boolean autoCommit = recorder.getAutoCommit();
        recorder.setAutoCommit(false);
        try (Statement sql = recorder.createStatement()) {
            sql.execute("set local lock_timeout = '10s'");
            sql.execute("select pg_advisory_xact_lock(" + MAKE_PARTITION_LOCK + ")");
            Set<String> attached = attachedPartitions(recorder);
            for (YearMonth month : months) {
                String name = String.format(Locale.ROOT, "usage_log_%04d_%02d", month.getYear(), month.getMonthValue());
                if (attached.contains(name)) {
                    continue;
                }
                if (exists(recorder, name)) {
                    throw new Failure("a table " + name + " exists that is not a partition of usage_log; the calls of "
                            + month + " cannot be written until it is renamed or dropped");
                }
                String from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString();
                String to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString();
                sql.execute("create table " + name + " (like usage_log including defaults including constraints)");
                sql.execute("alter table usage_log attach partition " + name + " for values from ('" + from
                        + "') to ('" + to + "')");
                made.add(name);
            }
            recorder.commit();
        } catch (SQLException | Failure | RuntimeException e) {
            recorder.rollback();
            throw e;
        } finally {
            recorder.setAutoCommit(autoCommit);
        }
        return made;
    }

    private static boolean partitioned(Connection connection, String table) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(
                "select relkind = 'p' from pg_class where oid = to_regclass(?)")) {
            find.setString(1, table);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Set<String> attachedPartitions(Connection connection) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement sql = connection.createStatement();
             ResultSet rs = sql.executeQuery("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                     + " where i.inhparent = 'usage_log'::regclass and not i.inhdetachpending")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement("select to_regclass(?) is not null")) {
            find.setString(1, name);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Starts {@code COPY table (columns) FROM STDIN} in PostgreSQL's text format. */
    static CopyIn copyIn(Connection connection, String table, String columns) throws SQLException {
        return connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("copy " + table + " (" + columns + ") from stdin");
    }

    /** Refreshes the planner's statistics of the table, so the first queries after the load are planned well. */
    static void analyze(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("analyze " + table);
        }
    }
}
