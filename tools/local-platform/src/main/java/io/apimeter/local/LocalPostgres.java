package io.apimeter.local;

import io.apimeter.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;

/**
 * A real PostgreSQL server for the local platform from the binaries Maven Central ships, bound to
 * 127.0.0.1, with a data directory that survives restarts, and one database per service.
 * Options: --data DIR --work DIR --port 5432 --databases gateway,recorder,...
 */
public final class LocalPostgres {
    private LocalPostgres() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(Path.of(args.get("work", ".apimeter/pg-work")),
                Path.of(args.get("data", ".apimeter/data/postgres")), args.port("port", 5432), true);
        for (String database : args.get("databases", "gateway,recorder,aggregation,quota,alert").split(",")) {
            postgres.createDatabase(database.trim());
        }
        System.out.println("READY postgres 127.0.0.1:" + postgres.port());
        Args.awaitShutdown(postgres, "postgres");
    }
}
