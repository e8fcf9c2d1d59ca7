package io.apimeter.gateway.service;

import io.apimeter.events.Cost;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.entity.Price;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The prices the gateway charges, held in memory so that pricing a call never waits on the database. A call
 * is priced by the entry in effect at the call's start (the latest {@code effectiveFrom} at or before it) for
 * its provider and model family; an entry for the model itself wins over the provider's {@code *} entry.
 * Amounts are exact decimals: no double.
 *
 * <p>The book is reloaded at once after a price is added on this replica, and every
 * {@code apimeter.gateway.prices.refresh-interval} on every replica, so a price added through another replica
 * is charged everywhere within that time.
 */
@ApplicationScoped
public class PriceBook {
    private static final Logger LOG = Logger.getLogger(PriceBook.class);
    /** Model of the entry that prices every model of a provider billed independently of the model. */
    public static final String ANY_MODEL = "*";
    /** Order of the price book as the admin API lists it: by provider and model, the newest entry first. */
    static final Comparator<Entry> LISTING = Comparator.comparing(Entry::provider).thenComparing(Entry::model)
            .thenComparing(Entry::effectiveFrom, Comparator.reverseOrder());

    /** What pricing a call gave: the cost and the model family it was priced as (null when unpriced). */
    public record Priced(Cost cost, String pricedModel) {
    }

    /** A price book entry as the request path reads it: immutable, amounts in their shortest exact form. */
    public record Entry(String id, String provider, String model, String unit, BigDecimal inputPerUnit,
                        BigDecimal outputPerUnit, BigDecimal perUnit, long unitSize, Instant effectiveFrom,
                        int version) {
        static Entry of(Price p) {
            return new Entry(p.id, p.provider, p.model, p.unit, normalizeOrNull(p.inputPerUnit),
                    normalizeOrNull(p.outputPerUnit), normalizeOrNull(p.perUnit), p.unitSize, p.effectiveFrom, p.version);
        }
    }

    /** A new entry, validated by the caller; it gets its id and version when stored. */
    public record NewPrice(Provider provider, String model, String unit, long unitSize, BigDecimal inputPerUnit,
                           BigDecimal outputPerUnit, BigDecimal perUnit, Instant effectiveFrom) {
    }

    /** The entries of one provider and model, the latest effective first. */
    private record Book(Map<String, List<Entry>> byModel) {
        static final Book EMPTY = new Book(Map.of());

        static Book of(List<Entry> entries) {
            return new Book(entries.stream().collect(Collectors.groupingBy(e -> key(e.provider(), e.model()),
                    Collectors.collectingAndThen(Collectors.toList(), list -> list.stream()
                            .sorted(Comparator.comparing(Entry::effectiveFrom).reversed()).toList()))));
        }

        Entry inEffect(String provider, String model, Instant at) {
            for (Entry entry : byModel.getOrDefault(key(provider, model), List.of())) {
                if (!entry.effectiveFrom().isAfter(at)) {
                    return entry;
                }
            }
            return null;
        }

        private static String key(String provider, String model) {
            return provider + "/" + model;
        }
    }

    private final PriceWriter writer;
    private final GatewayConfig config;
    private volatile Book book = Book.EMPTY;
    private ScheduledExecutorService refresher;

    public PriceBook(PriceWriter writer, GatewayConfig config) {
        this.writer = writer;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        reload();
        long every = config.prices().refreshInterval().toMillis();
        refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "price-book-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    private void refresh() {
        try {
            reload();
        } catch (RuntimeException e) {
            // The book in memory keeps pricing calls; the next refresh tries again.
            LOG.warnf("the price book could not be reloaded: %s", e.toString());
        }
    }

    /**
     * Reads the price book from the database. Serialized, so that a slow periodic reload can never replace the
     * book read right after an admin's change with an older one.
     */
    public synchronized void reload() {
        List<Entry> entries = QuarkusTransaction.requiringNew()
                .call(() -> Price.<Price>listAll().stream().map(Entry::of).toList());
        book = Book.of(entries);
    }

    /** Stores a new entry and reloads the book, so calls on this replica are priced with it at once. */
    public Entry add(NewPrice price) {
        Entry added = Entry.of(writer.insert(price));
        reload();
        return added;
    }

    /** Every entry as stored, by provider and model, the newest first. */
    public List<Entry> stored() {
        return QuarkusTransaction.requiringNew()
                .call(() -> Price.<Price>listAll().stream().map(Entry::of).sorted(LISTING).toList());
    }

    public Priced price(Provider provider, String model, Instant at, Usage usage) {
        Book current = book;
        String family = ModelFamilies.familyOf(model);
        Entry match = family == null ? null : current.inEffect(provider.name(), family, at);
        if (match == null) {
            match = current.inEffect(provider.name(), ANY_MODEL, at);
        }
        if (match == null) {
            return new Priced(Cost.unpricedCost(), null);
        }
        BigDecimal amount = switch (match.unit()) {
            case "TOKENS" -> per(usage.inputTokens(), match.inputPerUnit(), match.unitSize())
                    .add(per(usage.outputTokens(), match.outputPerUnit(), match.unitSize()));
            case "CHARACTERS" -> per(usage.characters(), match.perUnit(), match.unitSize());
            case "SECONDS" -> per(usage.callSeconds(), match.perUnit(), match.unitSize());
            default -> throw new IllegalStateException("unknown price unit " + match.unit() + " in " + match.id());
        };
        return new Priced(Cost.of(normalize(amount), match.id(), match.version()),
                match.model().equals(ANY_MODEL) ? null : match.model());
    }

    /**
     * The price of {@code quantity} units at {@code price} per {@code unitSize}, to 12 decimals like every
     * stored amount (a per-second share of a per-minute price, or a price per 3 units, does not terminate).
     */
    private static BigDecimal per(long quantity, BigDecimal price, long unitSize) {
        if (price == null || quantity == 0) {
            return BigDecimal.ZERO;
        }
        return price.multiply(BigDecimal.valueOf(quantity))
                .divide(BigDecimal.valueOf(unitSize), 12, RoundingMode.HALF_EVEN);
    }

    private static BigDecimal normalizeOrNull(BigDecimal amount) {
        return amount == null ? null : normalize(amount);
    }

    /** The shortest exact form of an amount: 0.030000 is 0.03, 6.00 is 6. */
    public static BigDecimal normalize(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
