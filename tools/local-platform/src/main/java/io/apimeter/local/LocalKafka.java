package io.apimeter.local;

import io.apimeter.testkit.EmbeddedKafka;
import java.nio.file.Path;

/**
 * A single-node Apache Kafka broker (KRaft) for the local platform, bound to 127.0.0.1, with its log in a
 * directory that survives restarts. Options: --data DIR --port 9092 --controller-port 9093.
 */
public final class LocalKafka {
    private LocalKafka() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args.get("data", ".apimeter/data/kafka")),
                args.port("port", 9092), args.port("controller-port", 9093));
        System.out.println("READY kafka " + kafka.bootstrapServers());
        Args.awaitShutdown(kafka, "kafka");
    }
}
