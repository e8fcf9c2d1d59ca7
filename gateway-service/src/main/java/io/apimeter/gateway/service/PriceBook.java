package io.apimeter.gateway.service;

import io.apimeter.events.Cost;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.entity.Price;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The prices the gateway charges, held in memory. A call is priced by the entry for its provider and model
 * family that is in effect at the call's start. Amounts are exact decimals: no rounding, no double.
 */
@ApplicationScoped
public class PriceBook {
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

    private volatile List<Entry> prices = List.of();

    void onStart(@Observes StartupEvent event) {
        reload();
    }

    @Transactional
    public void reload() {
        List<Price> stored = Price.listAll();
        prices = stored.stream().map(Entry::of)
                .sorted(Comparator.comparing(Entry::effectiveFrom).reversed())
                .toList();
    }

    public List<Entry> all() {
        return prices;
    }

    public Priced price(Provider provider, String model, Instant at, Usage usage) {
        String family = ModelFamilies.familyOf(model);
        Entry match = null;
        for (Entry price : prices) {
            if (price.provider().equals(provider.name()) && !price.effectiveFrom().isAfter(at)
                    && (price.model().equals("*") || price.model().equals(family))) {
                match = price;
                break;
            }
        }
        if (match == null) {
            return new Priced(Cost.unpricedCost(), null);
        }
        BigDecimal amount = switch (match.unit()) {
            case "TOKENS" -> per(usage.inputTokens(), match.inputPerUnit(), match.unitSize())
                    .add(per(usage.outputTokens(), match.outputPerUnit(), match.unitSize()));
            case "CHARACTERS" -> per(usage.characters(), match.perUnit(), match.unitSize());
            case "SECONDS" -> perProrated(usage.callSeconds(), match.perUnit(), match.unitSize());
            default -> throw new IllegalStateException("unknown price unit " + match.unit() + " in " + match.id());
        };
        return new Priced(Cost.of(normalize(amount), match.id(), match.version()),
                match.model().equals("*") ? null : match.model());
    }

    private static BigDecimal per(long quantity, BigDecimal price, long unitSize) {
        if (price == null || quantity == 0) {
            return BigDecimal.ZERO;
        }
        return price.multiply(BigDecimal.valueOf(quantity)).divide(BigDecimal.valueOf(unitSize));
    }

    /** Per-second proration of a per-minute price may not terminate: kept to 12 decimals. */
    private static BigDecimal perProrated(long quantity, BigDecimal price, long unitSize) {
        if (price == null || quantity == 0) {
            return BigDecimal.ZERO;
        }
        return price.multiply(BigDecimal.valueOf(quantity))
                .divide(BigDecimal.valueOf(unitSize), 12, java.math.RoundingMode.HALF_EVEN);
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
