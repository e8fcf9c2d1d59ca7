package io.apimeter.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller, one node) inside this JVM,
 * bound to 127.0.0.1 only, or also on a network for other hosts ({@link Exposed}, as in a container). A log
 * directory that was formatted before is reused, so data survives a restart when the same directory and ports
 * are given.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /**
     * Two listeners on all interfaces for clients on other hosts, besides the loopback one: {@code internal} for
     * the network the broker shares with its clients (advertised as {@code internalAddress}, e.g. {@code kafka:9092}),
     * {@code external} for clients that reach it through a published port ({@code externalAddress}, e.g.
     * {@code localhost:9092}).
     */
    public record Exposed(int internalPort, String internalAddress, int externalPort, String externalAddress) {
    }

    /** Starts a broker on the given ports (0 picks a free one), waits until it answers and creates the topics. */
    public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort) {
        return start(logDir, brokerPort, controllerPort, null);
    }

    /** As {@link #start(Path, int, int)}, with listeners for other hosts too when {@code exposed} is given. */
    public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort, Exposed exposed) {
        int port = brokerPort == 0 ? FreePorts.next() : brokerPort;
        int controller = controllerPort == 0 ? FreePorts.next() : controllerPort;
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String dir = logDir.toAbsolutePath().toString();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller;
        String advertised = "PLAINTEXT://127.0.0.1:" + port;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (exposed != null) {
            listeners += ",INTERNAL://0.0.0.0:" + exposed.internalPort() + ",EXTERNAL://0.0.0.0:" + exposed.externalPort();
            advertised += ",INTERNAL://" + exposed.internalAddress() + ",EXTERNAL://" + exposed.externalAddress();
            protocols += ",INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT";
        }
        props.put("listeners", listeners);
        props.put("advertised.listeners", advertised);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", protocols);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir);
        props.put("num.partitions", String.valueOf(KafkaTopics.PARTITIONS));
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        props.put("log.retention.hours", "-1");
        formatIfNew(logDir);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, "127.0.0.1:" + port, logDir);
        kafka.awaitReadyAndCreateTopics(Duration.ofSeconds(60));
        return kafka;
    }

    /** Formats a new log directory; one formatted by an earlier run keeps its cluster id and its data. */
    private static void formatIfNew(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        String dir = logDir.toAbsolutePath().toString();
        try {
            new Formatter().setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dir))
                    .setMetadataLogDirectory(dir)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka log directory " + dir, e);
        }
    }

    private void awaitReadyAndCreateTopics(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        KafkaTopics.ensure(admin);
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker at " + bootstrapServers + " did not become ready", e);
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
