package io.apimeter.gateway.messaging;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.gateway.SimulatorTestResource;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Customer records wait in the outbox while the broker does not take them, and go, in order, once it does. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class CustomerOutboxRelayTest {

    @Inject
    CustomerRelay relay;

    @Inject
    EntityManager entityManager;

    /** The customer's outbox rows (attempts, sent_at, last_error), read in a transaction of their own. */
    @SuppressWarnings("unchecked")
    private Object[] row(String customerId, int index) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                        "select attempts, sent_at, last_error from customer_outbox where customer_id = :id order by id")
                .setParameter("id", customerId).getResultList());
        return rows.size() > index ? rows.get(index) : null;
    }

    @Test
    void shouldKeepCustomerRecordsWhileTheBrokerIsAwayAndSendThemInOrderWhenItIsBack() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        AtomicInteger refused = new AtomicInteger();
        relay.useTransport((key, json, headers) -> {
            refused.incrementAndGet();
            return CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s): broker away"));
        });
        try {
            asAdmin().contentType(ContentType.JSON).body(Map.of("id", id, "name", "Initech", "email", "ops@initech.test"))
                    .post("/admin/customers").then().statusCode(201);
            asAdmin().contentType(ContentType.JSON).body(Map.of("email", "it@initech.test"))
                    .patch("/admin/customers/{id}", id).then().statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Object[] first = row(id, 0);
                return first != null && ((Number) first[0]).intValue() >= 2;
            });
            Object[] first = row(id, 0);
            assertEquals(null, first[1], "not sent while the broker refuses it");
            assertTrue(String.valueOf(first[2]).contains("broker away"), String.valueOf(first[2]));
            assertEquals(0, ((Number) row(id, 1)[0]).intValue(), "the row after a refused one waits its turn");
        } finally {
            relay.useTransport(null);
        }

        List<ConsumerRecord<String, String>> records = KafkaTestClient.shared().readKey(Topics.CUSTOMERS, id,
                found -> found.size() >= 2, Duration.ofSeconds(30));
        assertEquals(List.of("ops@initech.test", "it@initech.test"),
                records.stream().map(r -> EventJson.readCustomer(r.value()).contactEmail()).toList());
        await().atMost(Duration.ofSeconds(20)).until(() -> row(id, 0)[1] != null && row(id, 1)[1] != null);
        assertTrue(refused.get() >= 2);
    }
}
