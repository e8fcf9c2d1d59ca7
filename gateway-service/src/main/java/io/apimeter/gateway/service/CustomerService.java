package io.apimeter.gateway.service;

import io.apimeter.common.rest.ApiException;
import io.apimeter.events.Provider;
import io.apimeter.gateway.entity.ApiKey;
import io.apimeter.gateway.entity.Customer;
import io.apimeter.gateway.entity.ProviderCredential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Customers, their platform API keys and their provider credentials. */
@ApplicationScoped
@Transactional
public class CustomerService {
    private final ApiKeyCodec codec;
    private final CredentialCipher cipher;
    private final CallerDirectory directory;
    private final CustomerOutbox outbox;

    public CustomerService(ApiKeyCodec codec, CredentialCipher cipher, CallerDirectory directory,
                           CustomerOutbox outbox) {
        this.codec = codec;
        this.cipher = cipher;
        this.directory = directory;
        this.outbox = outbox;
    }

    /** A new, active customer; its Customer v1 record goes to the outbox in the same transaction. */
    public Customer create(String id, String name, String email) {
        if (Customer.findById(id) != null) {
            throw ApiException.conflict("customer_exists", "A customer with id '" + id + "' already exists.");
        }
        Customer customer = new Customer();
        customer.id = id;
        customer.name = name;
        customer.email = email;
        customer.status = Customer.Status.ACTIVE.name();
        // Microseconds, as PostgreSQL keeps them: the record's updatedAt equals the stored one.
        customer.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        customer.updatedAt = customer.createdAt;
        customer.persist();
        outbox.add(customer);
        return customer;
    }

    /** The fields a change of a customer sets; null leaves a field as it is. Validated by the caller. */
    public record CustomerChange(String name, String email, Customer.Status status) {
    }

    /**
     * Changes a customer. When something changed, its new Customer v1 record goes to the outbox in the same
     * transaction; a change to what it already is writes nothing. Concurrent changes of one customer are applied
     * one after the other (row lock), so the records leave in the order of the changes.
     */
    public Customer update(String id, CustomerChange change) {
        Customer customer = Customer.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (customer == null) {
            throw ApiException.notFound("No customer with id '" + id + "'.");
        }
        boolean changed = false;
        if (change.name() != null && !change.name().equals(customer.name)) {
            customer.name = change.name();
            changed = true;
        }
        if (change.email() != null && !change.email().equals(customer.email)) {
            customer.email = change.email();
            changed = true;
        }
        if (change.status() != null && !change.status().name().equals(customer.status)) {
            customer.status = change.status().name();
            changed = true;
        }
        if (!changed) {
            return customer;
        }
        // Never earlier than the last change, even if this replica's clock is behind: consumers keep the newest.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        customer.updatedAt = now.isAfter(customer.updatedAt) ? now : customer.updatedAt.plus(1, ChronoUnit.MICROS);
        outbox.add(customer);
        // This replica refuses (or admits again) the customer's keys at once; the others within the key cache time.
        directory.forgetCustomer(id);
        return customer;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Customer> list() {
        return Customer.listAll(io.quarkus.panache.common.Sort.by("id"));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Customer get(String id) {
        Customer customer = Customer.findById(id);
        if (customer == null) {
            throw ApiException.notFound("No customer with id '" + id + "'.");
        }
        return customer;
    }

    /** A new key, returned in full only here; the database keeps its prefix and keyed hash. */
    public IssuedKey issueKey(String customerId, String name) {
        get(customerId);
        String key = codec.newKey();
        ApiKey apiKey = new ApiKey();
        apiKey.id = UUID.randomUUID();
        apiKey.customerId = customerId;
        apiKey.prefix = ApiKeyCodec.prefixOf(key);
        apiKey.keyHash = codec.hash(key);
        apiKey.name = name;
        apiKey.createdAt = Instant.now();
        apiKey.persist();
        return new IssuedKey(apiKey, key);
    }

    public record IssuedKey(ApiKey apiKey, String key) {
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ApiKey> keys(String customerId) {
        get(customerId);
        return ApiKey.list("customerId = ?1 order by createdAt", customerId);
    }

    public void revokeKey(String customerId, UUID keyId) {
        ApiKey key = ApiKey.findById(keyId);
        if (key == null || !key.customerId.equals(customerId)) {
            throw ApiException.notFound("No API key '" + keyId + "' for customer '" + customerId + "'.");
        }
        if (key.revokedAt == null) {
            key.revokedAt = Instant.now();
        }
        directory.forget(key.prefix);
    }

    public ProviderCredential saveCredential(String customerId, Provider provider, String secret) {
        get(customerId);
        CredentialCipher.Sealed sealed = cipher.encrypt(secret, customerId, provider.name());
        ProviderCredential.Key id = new ProviderCredential.Key(customerId, provider.name());
        ProviderCredential credential = ProviderCredential.findById(id);
        if (credential == null) {
            credential = new ProviderCredential();
            credential.key = id;
        }
        credential.keyId = sealed.keyId();
        credential.iv = sealed.iv();
        credential.ciphertext = sealed.ciphertext();
        credential.masked = CredentialCipher.mask(secret);
        credential.updatedAt = Instant.now();
        credential.persist();
        directory.forgetCredential(customerId, provider);
        return credential;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ProviderCredential> credentials(String customerId) {
        get(customerId);
        return ProviderCredential.list("key.customerId", customerId);
    }
}
