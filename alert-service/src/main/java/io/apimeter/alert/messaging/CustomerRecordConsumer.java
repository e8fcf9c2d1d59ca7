package io.apimeter.alert.messaging;

import io.apimeter.alert.service.CustomerContacts;
import io.apimeter.common.messaging.ConsumerLoops;
import io.apimeter.common.rest.Params;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.CustomerRecord;
import io.apimeter.events.EventFormatException;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Learns each customer's contact from the compacted {@code customers} topic (key customerId, value Customer v1,
 * a null value deletes the customer). A poll's records are applied in order in one transaction and their offsets
 * committed after it; a record that cannot be read goes to {@code customers-dlq}.
 */
@ApplicationScoped
public class CustomerRecordConsumer {
    private final CustomerContacts contacts;

    public CustomerRecordConsumer(CustomerContacts contacts) {
        this.contacts = contacts;
    }

    void start(@Observes StartupEvent event, ConsumerLoops loops) {
        loops.start("customers", Topics.CUSTOMERS, AlertEventConsumer.GROUP, CustomerRecordConsumer::parse,
                contacts::applyAll);
    }

    static CustomerContacts.Change parse(ConsumerRecord<String, String> record) {
        String key = customerKey(record.key());
        if (record.value() == null) {
            return new CustomerContacts.Change(key, null);
        }
        CustomerRecord customer = EventJson.readCustomer(record.value());
        if (!key.equals(customer.customerId())) {
            throw new EventFormatException("the record's customerId '" + Params.clip(customer.customerId())
                    + "' is not its key '" + key + "'");
        }
        return new CustomerContacts.Change(key, customer);
    }

    private static String customerKey(String key) {
        if (key == null || !Params.CUSTOMER_ID.matcher(key).matches() || AlertEvent.PLATFORM.equalsIgnoreCase(key)) {
            throw new EventFormatException("the record key is not a customer id");
        }
        return key;
    }
}
