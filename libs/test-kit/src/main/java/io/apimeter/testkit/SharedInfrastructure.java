package io.apimeter.testkit;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.UUID;

/**
 * One Kafka broker and one PostgreSQL server per JVM, started on first use and stopped when the JVM
 * exits. Test classes of a module share them; each service uses a database of its own.
 */
public final class SharedInfrastructure {
    private static volatile SharedInfrastructure instance;

    private final EmbeddedKafka kafka;
    private final EmbeddedPostgresServer postgres;

    private SharedInfrastructure(EmbeddedKafka kafka, EmbeddedPostgresServer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    public static SharedInfrastructure get() {
        SharedInfrastructure current = instance;
        if (current == null) {
            synchronized (SharedInfrastructure.class) {
                current = instance;
                if (current == null) {
                    current = start();
                    instance = current;
                }
            }
        }
        return current;
    }

    private static SharedInfrastructure start() {
        // Inside the build directory, never the shared temporary folder: parallel builds stay apart.
        Path base = Paths.get(System.getProperty("apimeter.testkit.dir", "target/test-kit")).toAbsolutePath();
        String run = UUID.randomUUID().toString().substring(0, 8);
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(base.resolve("pg-work"),
                base.resolve("pg-" + run), 0, false);
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(base.resolve("kafka-" + run), 0, 0);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        SharedInfrastructure infrastructure = new SharedInfrastructure(kafka, postgres);
        Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::stop, "test-kit-shutdown"));
        return infrastructure;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    private void stop() {
        try {
            kafka.close();
        } catch (RuntimeException ignored) {
            // the JVM is exiting; the broker's files are in the build directory
        }
        postgres.close();
    }
}
