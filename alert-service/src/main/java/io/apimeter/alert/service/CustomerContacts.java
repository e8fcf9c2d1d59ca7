package io.apimeter.alert.service;

import io.apimeter.alert.entity.CustomerContact;
import io.apimeter.events.CustomerRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The customers' contacts, learned from the compacted {@code customers} topic. A record is applied only when it
 * is newer (by its updatedAt) than what is stored, in one statement, so a redelivered or late record changes
 * nothing and two consumers can never overwrite a newer contact with an older one.
 */
@ApplicationScoped
@Transactional
public class CustomerContacts {
    private static final Logger LOG = Logger.getLogger(CustomerContacts.class);
    /** A customer's status on which it gets no notifications of its own. */
    public static final String DISABLED = "DISABLED";

    private final EntityManager em;

    public CustomerContacts(EntityManager em) {
        this.em = em;
    }

    /** What applying a record did. */
    public enum Outcome {
        /** Stored: the customer was unknown or the record is newer. */
        APPLIED,
        /** Ignored: what is stored is as new or newer. */
        STALE,
        /** A tombstone removed the contact. */
        DELETED
    }

    /** A record of the customers topic: the customer as it now is, or null when it was deleted. */
    public record Change(String customerId, CustomerRecord customer) {
    }

    /** Applies a batch of records of the customers topic, in order, in one transaction. */
    public void applyAll(java.util.List<Change> changes) {
        for (Change change : changes) {
            if (change.customer() == null) {
                delete(change.customerId());
            } else {
                apply(change.customer());
            }
        }
    }

    public Outcome apply(CustomerRecord record) {
        String email = EmailAddresses.normalize(record.contactEmail());
        if (email == null && record.contactEmail() != null && !record.contactEmail().isBlank()) {
            // the record is applied (its status and time count) but no mail goes to a malformed address
            LOG.warnf("customer %s: the contact address is not a usable mail address; it gets no mail", record.customerId());
        }
        int changed = em.createNativeQuery("""
                        insert into customer_contact (customer_id, name, contact_email, status, updated_at, received_at)
                        values (:id, :name, :email, :status, :updatedAt, :now)
                        on conflict (customer_id) do update
                        set name = excluded.name, contact_email = excluded.contact_email, status = excluded.status,
                            updated_at = excluded.updated_at, received_at = excluded.received_at
                        where customer_contact.updated_at < excluded.updated_at""")
                .setParameter("id", record.customerId())
                .setParameter("name", record.name())
                .setParameter("email", email)
                .setParameter("status", record.status())
                .setParameter("updatedAt", record.updatedAt())
                .setParameter("now", Instant.now().truncatedTo(ChronoUnit.MICROS))
                .executeUpdate();
        if (changed == 0) {
            LOG.debugf("customer %s: record of %s is not newer than the stored one; ignored", record.customerId(),
                    record.updatedAt());
            return Outcome.STALE;
        }
        LOG.infof("customer %s: contact updated (status %s, as of %s)", record.customerId(), record.status(),
                record.updatedAt());
        return Outcome.APPLIED;
    }

    /** A tombstone: the customer is gone from the topic, and so is its contact. */
    public Outcome delete(String customerId) {
        em.createQuery("delete from CustomerContact c where c.customerId = :id")
                .setParameter("id", customerId)
                .executeUpdate();
        LOG.infof("customer %s: removed (tombstone); its contact is forgotten", customerId);
        return Outcome.DELETED;
    }

    /** The stored contact; joins the caller's transaction (the alert's), or reads in one of its own. */
    public Optional<CustomerContact> find(String customerId) {
        return Optional.ofNullable(em.find(CustomerContact.class, customerId));
    }

    /**
     * The address the customer's own mail goes to: its contact, unless it has none, none is usable, or the
     * customer is DISABLED.
     */
    public static Optional<String> mailAddress(CustomerContact contact) {
        if (contact == null || contact.contactEmail == null || DISABLED.equalsIgnoreCase(contact.status)) {
            return Optional.empty();
        }
        return Optional.of(contact.contactEmail);
    }
}
