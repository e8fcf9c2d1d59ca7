package io.apimeter.alert.messaging;

import io.apimeter.alert.config.AlertConfig;
import io.apimeter.alert.service.CustomerContacts;
import io.apimeter.common.messaging.DeadLetters;
import io.apimeter.common.messaging.Retrying;
import io.apimeter.common.rest.Params;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.Channels;
import io.apimeter.events.CustomerRecord;
import io.apimeter.events.EventFormatException;
import io.apimeter.events.EventJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Learns each customer's contact from the compacted {@code customers} topic (key customerId, value Customer v1,
 * a null value deletes the customer). The record is acknowledged, and its offset later committed, only after
 * the transaction that applied it; a record that cannot be read goes to {@code alert-events-dlq}.
 */
@ApplicationScoped
public class CustomerRecordConsumer {
    private final CustomerContacts contacts;
    private final AlertConfig config;

    public CustomerRecordConsumer(CustomerContacts contacts, AlertConfig config) {
        this.contacts = contacts;
        this.config = config;
    }

    @Incoming(Channels.CUSTOMERS_IN)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        String key = DeadLetters.parse(record.key(), "customer record key", CustomerRecordConsumer::customerKey);
        if (record.value() == null) {
            Retrying.run("forgetting customer " + key, config.applyAttempts(), config.applyBackoff(),
                    () -> contacts.delete(key));
            return;
        }
        CustomerRecord customer = DeadLetters.parse(record.value(), "customer record", json -> {
            CustomerRecord parsed = EventJson.readCustomer(json);
            if (!key.equals(parsed.customerId())) {
                throw new EventFormatException("the record's customerId '" + Params.clip(parsed.customerId())
                        + "' is not its key '" + key + "'");
            }
            return parsed;
        });
        Retrying.run("storing the contact of customer " + key, config.applyAttempts(), config.applyBackoff(),
                () -> contacts.apply(customer));
    }

    private static String customerKey(String key) {
        if (key == null || !Params.CUSTOMER_ID.matcher(key).matches() || AlertEvent.PLATFORM.equalsIgnoreCase(key)) {
            throw new EventFormatException("the record key is not a customer id");
        }
        return key;
    }
}
