package io.apimeter.gateway.service;

import io.apimeter.common.rest.ApiException;
import io.apimeter.gateway.entity.Price;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Locale;

/** Stores new price book entries. Entries are never changed: a new price is a new, later-effective entry. */
@ApplicationScoped
@Transactional
public class PriceWriter {
    private final EntityManager em;

    public PriceWriter(EntityManager em) {
        this.em = em;
    }

    /**
     * Stores the entry with the next version of its provider and model ({@code openai/gpt-4o/3}).
     *
     * @throws ApiException 409 {@code price_exists} when the provider and model have an entry effective at that instant
     */
    public Price insert(PriceBook.NewPrice price) {
        String provider = price.provider().name();
        // Two admins adding a price for the same model at once would otherwise both take the same version.
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtext(:key))) locked")
                .setParameter("key", "price/" + provider + "/" + price.model())
                .getSingleResult();
        long existing = Price.count("provider = ?1 and model = ?2 and effectiveFrom = ?3", provider, price.model(),
                price.effectiveFrom());
        if (existing > 0) {
            throw ApiException.conflict("price_exists", "There is already a price for " + provider + " model "
                    + price.model() + " effective from " + price.effectiveFrom() + ".");
        }
        Number latest = (Number) em.createQuery(
                        "select coalesce(max(p.version), 0) from Price p where p.provider = ?1 and p.model = ?2")
                .setParameter(1, provider).setParameter(2, price.model()).getSingleResult();
        int version = latest.intValue() + 1;
        String id = provider.toLowerCase(Locale.ROOT) + "/"
                + (PriceBook.ANY_MODEL.equals(price.model()) ? "default" : price.model()) + "/" + version;
        if (Price.findById(id) != null) {
            throw ApiException.conflict("price_exists", "A price with id " + id + " exists already.");
        }
        Price entry = new Price();
        entry.id = id;
        entry.provider = provider;
        entry.model = price.model();
        entry.unit = price.unit();
        entry.unitSize = price.unitSize();
        entry.inputPerUnit = price.inputPerUnit();
        entry.outputPerUnit = price.outputPerUnit();
        entry.perUnit = price.perUnit();
        entry.effectiveFrom = price.effectiveFrom();
        entry.version = version;
        entry.createdAt = Instant.now();
        em.persist(entry);
        em.flush();
        return entry;
    }
}
