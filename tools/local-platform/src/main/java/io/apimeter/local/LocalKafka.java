package io.apimeter.local;

import io.apimeter.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A single-node Apache Kafka broker (KRaft) for the local platform, bound to 127.0.0.1, with its log in a
 * directory that survives restarts. Options: --data DIR --port 9092 --controller-port 9093.
 * In a container, {@code --internal kafka:9092} also listens on all interfaces at that port for the containers of
 * its network, and {@code --external localhost:9092 --external-port 29092} at 29092 for clients on the host that
 * reach it through a published port. {@code --ready-file F} is written once the topics exist (a container's
 * healthcheck tests it) and removed at start.
 */
public final class LocalKafka {
    private LocalKafka() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path readyFile = args.get("ready-file", null) == null ? null : Path.of(args.get("ready-file", null));
        if (readyFile != null) {
            Files.deleteIfExists(readyFile);
        }
        String internal = args.get("internal", null);
        EmbeddedKafka.Exposed exposed = internal == null ? null : new EmbeddedKafka.Exposed(
                Integer.parseInt(internal.substring(internal.lastIndexOf(':') + 1)), internal,
                args.port("external-port", 29092), args.get("external", "localhost:9092"));
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args.get("data", ".apimeter/data/kafka")),
                args.port("port", 9092), args.port("controller-port", 9093), exposed);
        if (readyFile != null) {
            Files.writeString(readyFile, kafka.bootstrapServers());
        }
        System.out.println("READY kafka " + kafka.bootstrapServers());
        Args.awaitShutdown(kafka, "kafka");
    }
}
