package io.apimeter.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.apimeter.events.CustomerRecord;
import io.apimeter.events.EventJson;
import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.SharedInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Upgrading a gateway that has customers already announces each of them once on the customers topic. */
class CustomerOutboxMigrationTest {

    @Test
    void shouldEnqueueARecordForEveryExistingCustomer() throws Exception {
        String url = SharedInfrastructure.get().postgres().recreateDatabase("gateway_upgrade");
        Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                .locations("classpath:db/migration").target("2").load().migrate();
        try (Connection connection = DriverManager.getConnection(url, EmbeddedPostgresServer.USER,
                EmbeddedPostgresServer.PASSWORD); Statement sql = connection.createStatement()) {
            sql.execute("insert into customer (id, name, email, status, created_at, updated_at) values"
                    + " ('acme', 'Acme \"Rockets\"', 'ops@acme.test', 'ACTIVE', '2026-01-05T10:00:00Z',"
                    + " '2026-03-01T08:30:00.123456Z'),"
                    + " ('globex', 'Globex', 'it@globex.test', 'DISABLED', '2026-02-01T00:00:00Z',"
                    + " '2026-02-01T00:00:00Z')");

            Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                    .locations("classpath:db/migration").load().migrate();

            List<CustomerRecord> records = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery(
                    "select customer_id, payload, updated_at, sent_at, event_id from customer_outbox order by id")) {
                while (rows.next()) {
                    CustomerRecord record = EventJson.readCustomer(rows.getString("payload"));
                    assertEquals(rows.getString("customer_id"), record.customerId());
                    assertEquals(rows.getTimestamp("updated_at").toInstant(), record.updatedAt());
                    assertNull(rows.getTimestamp("sent_at"), "to be sent by the relay");
                    records.add(record);
                }
            }
            assertEquals(List.of(
                    new CustomerRecord("acme", "Acme \"Rockets\"", "ops@acme.test", "ACTIVE",
                            Instant.parse("2026-03-01T08:30:00.123456Z")),
                    new CustomerRecord("globex", "Globex", "it@globex.test", "DISABLED",
                            Instant.parse("2026-02-01T00:00:00Z"))), records);
        }
    }
}
