package io.apimeter.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server run from the binaries Maven Central ships (no Docker, also as root), bound to
 * 127.0.0.1. Each service gets a database of its own through {@link #createDatabase(String)}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts PostgreSQL with its data in {@code dataDir}. With {@code keepData} an existing data directory
     * is reused (a restart keeps the data); without, it is wiped first.
     */
    public static EmbeddedPostgresServer start(Path workDir, Path dataDir, int port, boolean keepData) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(dataDir.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(workDir.toFile())
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(!keepData)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "300")
                    // Data kept across restarts (the local platform) is written durably: a commit a consumer has
                    // acknowledged to Kafka must survive a crash. Throw-away test data need not be.
                    .setServerConfig("fsync", keepData ? "on" : "off")
                    .setServerConfig("synchronous_commit", keepData ? "on" : "off")
                    // The local platform may hold tens of millions of calls (tools/history-generator): a cache for
                    // their hot index pages, and checkpoints far enough apart for bulk loads. PostgreSQL's defaults
                    // (128 MB, 1 GB) are for small machines; tests keep them.
                    .setServerConfig("shared_buffers", keepData ? "1GB" : "128MB")
                    .setServerConfig("max_wal_size", keepData ? "4GB" : "1GB");
            if (port != 0) {
                builder.setPort(port);
            }
            return new EmbeddedPostgresServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Creates the database if it does not exist yet and returns its JDBC URL. */
    public synchronized String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a database name: " + name);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (!rs.next()) {
                        try (Statement create = connection.createStatement()) {
                            create.execute("create database " + name);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return jdbcUrl(name);
    }

    /** Drops and re-creates a database: a clean slate for a test run that needs one. */
    public synchronized String recreateDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a database name: " + name);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot re-create database " + name, e);
        }
        return jdbcUrl(name);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
