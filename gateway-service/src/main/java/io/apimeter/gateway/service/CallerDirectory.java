package io.apimeter.gateway.service;

import io.apimeter.events.Provider;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.entity.ApiKey;
import io.apimeter.gateway.entity.Customer;
import io.apimeter.gateway.entity.ProviderCredential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the request path needs to know about a caller, kept in memory for a short time so that the
 * gateway does not ask the database on every call. A revoked key, a changed credential or a customer disabled
 * (or enabled again) is seen within the cache time on every replica (and at once on the replica that made the
 * change).
 */
@ApplicationScoped
public class CallerDirectory {
    /** Who is calling: resolved from a platform API key. */
    public record Caller(String customerId, String apiKeyId) {
    }

    /** A valid platform key: who it belongs to, and whether that customer is active (a DISABLED one is refused). */
    public record Authenticated(Caller caller, boolean customerActive) {
    }

    private record Entry<T>(T value, byte[] keyHash, long expiresAtNanos) {
    }

    private final ApiKeyCodec codec;
    private final CredentialCipher cipher;
    private final KeyUsage keyUsage;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Entry<Authenticated>> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Entry<String>> credentials = new ConcurrentHashMap<>();

    public CallerDirectory(ApiKeyCodec codec, CredentialCipher cipher, KeyUsage keyUsage, GatewayConfig config) {
        this.codec = codec;
        this.cipher = cipher;
        this.keyUsage = keyUsage;
        this.ttlNanos = config.apiKeys().cacheTtl().toNanos();
    }

    /**
     * The caller a presented platform key belongs to, if the key is valid and not revoked, with whether its
     * customer is active; empty for an unknown, malformed or revoked key.
     */
    public Optional<Authenticated> authenticate(String presentedKey) {
        String prefix = ApiKeyCodec.prefixOf(presentedKey);
        if (prefix == null) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        Entry<Authenticated> entry = keys.get(prefix);
        if (entry == null || now - entry.expiresAtNanos() > 0) {
            entry = load(prefix, now);
            keys.put(prefix, entry);
        }
        if (entry.value() == null || !codec.matches(presentedKey, entry.keyHash())) {
            return Optional.empty();
        }
        if (entry.value().customerActive()) {
            keyUsage.used(java.util.UUID.fromString(entry.value().caller().apiKeyId()));
        }
        return Optional.of(entry.value());
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    Entry<Authenticated> load(String prefix, long now) {
        ApiKey key = ApiKey.findByPrefix(prefix);
        if (key == null || key.revokedAt != null) {
            return new Entry<>(null, null, now + ttlNanos);
        }
        Customer customer = Customer.findById(key.customerId);
        if (customer == null) {
            return new Entry<>(null, null, now + ttlNanos);
        }
        boolean active = Customer.Status.ACTIVE.name().equals(customer.status);
        return new Entry<>(new Authenticated(new Caller(key.customerId, key.id.toString()), active), key.keyHash,
                now + ttlNanos);
    }

    /** The customer's own key for a provider, decrypted, if one is stored. */
    public Optional<String> credential(String customerId, Provider provider) {
        String cacheKey = customerId + "/" + provider;
        long now = System.nanoTime();
        Entry<String> entry = credentials.get(cacheKey);
        if (entry == null || now - entry.expiresAtNanos() > 0) {
            entry = new Entry<>(loadCredential(customerId, provider), null, now + ttlNanos);
            credentials.put(cacheKey, entry);
        }
        return Optional.ofNullable(entry.value());
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    String loadCredential(String customerId, Provider provider) {
        ProviderCredential stored = ProviderCredential.findById(new ProviderCredential.Key(customerId, provider.name()));
        if (stored == null) {
            return null;
        }
        return cipher.decrypt(new CredentialCipher.Sealed(stored.keyId, stored.iv, stored.ciphertext),
                customerId, provider.name());
    }

    void forget(String prefix) {
        keys.remove(prefix);
    }

    /** Forgets what is cached of a customer's keys, so that a change of its status counts at once here. */
    void forgetCustomer(String customerId) {
        keys.values().removeIf(entry -> entry.value() != null
                && entry.value().caller().customerId().equals(customerId));
    }

    void forgetCredential(String customerId, Provider provider) {
        credentials.remove(customerId + "/" + provider);
    }
}
