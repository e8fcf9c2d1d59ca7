package io.apimeter.alert.service;

import io.apimeter.alert.config.AlertConfig;
import io.apimeter.alert.entity.Webhook;
import io.apimeter.common.rest.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** The customers' webhooks: one per customer, replaced as a whole, its URL checked against internal addresses. */
@ApplicationScoped
@Transactional
public class Webhooks {
    private static final Logger LOG = Logger.getLogger(Webhooks.class);

    private final EntityManager em;
    private final WebhookSigning signing;
    private final AlertConfig config;
    private final WebhookAddresses.Resolver resolver;

    public Webhooks(EntityManager em, WebhookSigning signing, AlertConfig config) {
        this.em = em;
        this.signing = signing;
        this.config = config;
        this.resolver = WebhookAddresses.DNS;
    }

    /** A webhook as created, with its secret: the only time the secret is shown. */
    public record Created(Webhook webhook, String secret) {
    }

    /**
     * Registers the customer's webhook, replacing any earlier one (a new id, and so a new secret). Answers 503
     * when the service has no signing key, 400 {@code invalid_webhook_url} for a URL that is not acceptable.
     */
    public Created register(String customerId, String url) {
        if (!signing.available()) {
            throw new ApiException(503, "webhooks_unavailable", signing.unavailableReason());
        }
        URI uri = check(url);
        Webhook webhook = new Webhook();
        webhook.id = UUID.randomUUID();
        webhook.customerId = customerId;
        webhook.url = uri.toString();
        webhook.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // one statement, so that two concurrent PUTs for one customer leave one webhook and never fail
        em.createNativeQuery("""
                        insert into webhook (id, customer_id, url, created_at) values (:id, :customer, :url, :at)
                        on conflict (customer_id) do update
                        set id = excluded.id, url = excluded.url, created_at = excluded.created_at""")
                .setParameter("id", webhook.id)
                .setParameter("customer", customerId)
                .setParameter("url", webhook.url)
                .setParameter("at", webhook.createdAt)
                .executeUpdate();
        LOG.infof("customer %s: webhook %s registered (host %s)", customerId, webhook.id, uri.getHost());
        return new Created(webhook, signing.secret(customerId, webhook.id));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Webhook> find(String customerId) {
        List<Webhook> found = em.createQuery("select w from Webhook w where w.customerId = :customer", Webhook.class)
                .setParameter("customer", customerId)
                .getResultList();
        return found.stream().findFirst();
    }

    /** Removes the customer's webhook; false if it had none. Deliveries still pending for it then fail. */
    public boolean delete(String customerId) {
        int removed = em.createQuery("delete from Webhook w where w.customerId = :customer")
                .setParameter("customer", customerId)
                .executeUpdate();
        if (removed > 0) {
            LOG.infof("customer %s: webhook removed", customerId);
        }
        return removed > 0;
    }

    private URI check(String url) {
        try {
            URI uri = WebhookAddresses.parse(url);
            WebhookAddresses.resolve(uri, config.webhook().allowPrivateAddresses(), resolver);
            return uri;
        } catch (WebhookAddresses.RefusedUrlException e) {
            throw ApiException.badRequest("invalid_webhook_url", e.getMessage());
        }
    }
}
