package io.apimeter.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedInfrastructureTest {

    @Test
    void shouldStartOneBrokerAndOneServerPerJvm() {
        assertSame(SharedInfrastructure.get(), SharedInfrastructure.get());
        assertTrue(SharedInfrastructure.get().kafkaBootstrapServers().startsWith("127.0.0.1:"));
    }

    @Test
    void shouldCreateThePlatformTopicsWithCompactedStateTopics() throws Exception {
        try (Admin admin = SharedInfrastructure.get().kafka().admin()) {
            Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            assertTrue(names.containsAll(List.of("usage-events", "usage-events-dlq", "alert-events",
                    "alert-events-dlq", "quota-status", "customers")), names.toString());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "quota-status");
            ConfigEntry policy = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS)
                    .get(resource).get("cleanup.policy");
            assertEquals("compact", policy.value());
        }
    }

    @Test
    void shouldDeliverARecordThroughTheRealBroker() {
        try (KafkaTestClient client = new KafkaTestClient(SharedInfrastructure.get().kafkaBootstrapServers())) {
            client.send("usage-events-dlq", "c-1", "{\"hello\":1}", Map.of("ce_id", "abc"));
            var records = client.read("usage-events-dlq", r -> "c-1".equals(r.key()), l -> !l.isEmpty(),
                    Duration.ofSeconds(30));
            assertEquals(1, records.size());
            assertEquals("abc", KafkaTestClient.header(records.get(0), "ce_id"));
        }
    }

    @Test
    void shouldGiveEachServiceItsOwnDatabase() throws Exception {
        EmbeddedPostgresServer pg = SharedInfrastructure.get().postgres();
        String quota = pg.createDatabase("kit_quota");
        String alert = pg.createDatabase("kit_alert");
        assertNotEquals(quota, alert);
        assertEquals(quota, pg.createDatabase("kit_quota"));
        try (Connection c = DriverManager.getConnection(quota, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("create table if not exists t(v numeric)");
            s.execute("insert into t values (0.1000000000000000055511)");
        }
        try (Connection c = DriverManager.getConnection(alert, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from information_schema.tables where table_name = 't'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "a table of one database must not show in another");
        }
    }

    @Test
    void shouldKeepDataAcrossARestartOfBothServers(@TempDir Path dir) throws Exception {
        int pgPort = FreePorts.next();
        int kafkaPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("work"), dir.resolve("pg"), pgPort, true)) {
            String url = pg.createDatabase("kept");
            try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
                s.execute("create table kept(v text)");
                s.execute("insert into kept values ('survives')");
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort, controllerPort);
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            client.send("customers", "k", "first");
        }
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("work"), dir.resolve("pg"), pgPort, true);
             Connection c = DriverManager.getConnection(pg.jdbcUrl("kept"), "postgres", "postgres");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select v from kept")) {
            assertTrue(rs.next());
            assertEquals("survives", rs.getString(1));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort, controllerPort);
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            var records = client.read("customers", r -> "k".equals(r.key()), l -> !l.isEmpty(), Duration.ofSeconds(30));
            assertEquals("first", records.get(0).value());
        }
    }
}
