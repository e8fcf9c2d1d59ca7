package io.apimeter.gateway.service;

import io.apimeter.events.Provider;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.entity.ApiKey;
import io.apimeter.gateway.entity.Customer;
import io.apimeter.gateway.entity.ProviderCredential;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * What the request path needs to know about a caller, kept in memory for a short time so that the
 * gateway does not ask the database on every call. A revoked key, a changed credential or a customer disabled
 * (or enabled again) is seen within the cache time on every replica (and at once on the replica that made the
 * change).
 *
 * <p>The proxy routes run on the event loop and never wait for the database there: a cached entry is answered
 * from memory, and is read again in the background on a worker thread once half its cache time has passed, so
 * a key in steady use never misses. Only a key (or credential) not seen within the cache time is read on a
 * worker thread while its call waits, and the call goes on on its event loop.
 *
 * <p>The gateway keeps serving while its database is away: what was read last is used (see {@link DirectoryCache}), and
 * only a caller with nothing in memory cannot be authorised ({@link DirectoryUnavailable}, answered with 503).
 */
@ApplicationScoped
public class CallerDirectory {
    private static final Logger LOG = Logger.getLogger(CallerDirectory.class);

    /** Who is calling: resolved from a platform API key. */
    public record Caller(String customerId, String apiKeyId) {
    }

    /** A valid platform key: who it belongs to, and whether that customer is active (a DISABLED one is refused). */
    public record Authenticated(Caller caller, boolean customerActive) {
    }

    /** A stored key: who it belongs to and its hash; null for a prefix that is unknown or revoked. */
    private record StoredKey(Authenticated authenticated, byte[] keyHash) {
    }

    private final ApiKeyCodec codec;
    private final CredentialCipher cipher;
    private final KeyUsage keyUsage;
    private final DirectoryCache<StoredKey> keys;
    private final DirectoryCache<String> credentials;

    public CallerDirectory(ApiKeyCodec codec, CredentialCipher cipher, KeyUsage keyUsage, GatewayConfig config,
                           Vertx vertx, MeterRegistry registry) {
        this.codec = codec;
        this.cipher = cipher;
        this.keyUsage = keyUsage;
        this.keys = new DirectoryCache<>("api-key", this::loadKey, config.apiKeys(), vertx, registry);
        this.credentials = new DirectoryCache<>("provider-credential", this::loadCredential, config.apiKeys(), vertx, registry);
    }

    /**
     * The caller a presented platform key belongs to, if the key is valid and not revoked, with whether its
     * customer is active; empty for an unknown, malformed or revoked key. May read the database: for worker
     * threads.
     */
    public Optional<Authenticated> authenticate(String presentedKey) {
        String prefix = ApiKeyCodec.prefixOf(presentedKey);
        return prefix == null ? Optional.empty() : check(presentedKey, keys.getBlocking(prefix));
    }

    /**
     * As {@link #authenticate}, without ever blocking an event loop: from memory when the key is cached,
     * otherwise read on a worker thread; the future completes on the caller's context.
     */
    public Future<Optional<Authenticated>> authenticateAsync(String presentedKey) {
        String prefix = ApiKeyCodec.prefixOf(presentedKey);
        if (prefix == null) {
            return Future.succeededFuture(Optional.empty());
        }
        return keys.get(prefix).map(stored -> check(presentedKey, stored));
    }

    private Optional<Authenticated> check(String presentedKey, StoredKey stored) {
        if (stored == null || !codec.matches(presentedKey, stored.keyHash())) {
            return Optional.empty();
        }
        if (stored.authenticated().customerActive()) {
            keyUsage.used(UUID.fromString(stored.authenticated().caller().apiKeyId()));
        }
        return Optional.of(stored.authenticated());
    }

    private StoredKey loadKey(String prefix) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            ApiKey key = ApiKey.findByPrefix(prefix);
            if (key == null || key.revokedAt != null) {
                return null;
            }
            Customer customer = Customer.findById(key.customerId);
            if (customer == null) {
                return null;
            }
            boolean active = Customer.Status.ACTIVE.name().equals(customer.status);
            return new StoredKey(new Authenticated(new Caller(key.customerId, key.id.toString()), active), key.keyHash);
        });
    }

    /** The customer's own key for a provider, decrypted, if one is stored. May read the database: for workers. */
    public Optional<String> credential(String customerId, Provider provider) {
        return Optional.ofNullable(credentials.getBlocking(customerId + "/" + provider.name()));
    }

    /** As {@link #credential}, without ever blocking an event loop (see {@link #authenticateAsync}). */
    public Future<Optional<String>> credentialAsync(String customerId, Provider provider) {
        return credentials.get(customerId + "/" + provider.name()).map(Optional::ofNullable);
    }

    private String loadCredential(String cacheKey) {
        int slash = cacheKey.lastIndexOf('/');
        String customerId = cacheKey.substring(0, slash);
        String provider = cacheKey.substring(slash + 1);
        ProviderCredential stored = QuarkusTransaction.joiningExisting().call(() ->
                ProviderCredential.findById(new ProviderCredential.Key(customerId, provider)));
        if (stored == null) {
            return null;
        }
        return cipher.decrypt(new CredentialCipher.Sealed(stored.keyId, stored.iv, stored.ciphertext),
                customerId, provider);
    }

    void forget(String prefix) {
        keys.forget(prefix);
    }

    /** Forgets what is cached of a customer's keys, so that a change of its status counts at once here. */
    void forgetCustomer(String customerId) {
        keys.forgetIf(stored -> stored != null && stored.authenticated().caller().customerId().equals(customerId));
    }

    void forgetCredential(String customerId, Provider provider) {
        credentials.forget(customerId + "/" + provider.name());
    }
}
