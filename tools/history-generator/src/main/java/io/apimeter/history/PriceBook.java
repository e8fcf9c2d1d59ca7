package io.apimeter.history;

import io.apimeter.events.Provider;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The prices the history is charged at, in the gateway's terms: entries per provider and model family (or
 * {@code *}, every model of the provider), an amount per {@code unitSize} units, ids like {@code openai/gpt-4o/1}.
 * The gateway's own defaults (gpt-4, gpt-3.5-turbo, ElevenLabs, Smartflo; gateway-service's V1 migration) plus the
 * OpenAI models a platform sells today, so that nearly every call is priced; a model not listed is unpriced.
 * A call is priced exactly as the gateway's {@code PriceBook#price} does it: input and output separately, each
 * {@code price x quantity / unitSize} to 12 decimals (half even), then the shortest exact form.
 */
final class PriceBook {
    /** Decimals of every amount the gateway computes. */
    static final int SCALE = 12;
    /** The model of an entry that prices every model of its provider. */
    static final String ANY_MODEL = "*";
    /** The gateway's rule ({@code ModelFamilies}): a dated model id is priced as its family; only a date goes. */
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{4})$");

    /** Amount per unit size, exact; the gateway's {@code per(quantity, price, unitSize)}. */
    static final class Rate {
        private final BigDecimal price;
        private final BigDecimal unitSize;
        /** The price of one unit when it has at most 12 decimals: a multiplication is then all it takes. */
        private final BigDecimal perOne;

        Rate(String price, long unitSize) {
            this.price = new BigDecimal(price);
            this.unitSize = BigDecimal.valueOf(unitSize);
            BigDecimal one;
            try {
                one = this.price.divide(this.unitSize);
            } catch (ArithmeticException e) {
                one = null; // 0.02 per 60 s does not end
            }
            this.perOne = one != null && one.scale() <= SCALE ? one : null;
        }

        /** {@code price x quantity / unitSize} to 12 decimals, half even; exact when it ends within 12 decimals. */
        BigDecimal of(long quantity) {
            if (quantity == 0) {
                return BigDecimal.ZERO;
            }
            if (perOne != null) {
                return perOne.multiply(BigDecimal.valueOf(quantity));
            }
            return price.multiply(BigDecimal.valueOf(quantity)).divide(unitSize, SCALE, RoundingMode.HALF_EVEN);
        }
    }

    /**
     * An entry of the book.
     *
     * @param input  per input token (TOKENS), or per character or second (CHARACTERS, SECONDS)
     * @param output per output token; null where the entry has no output price
     */
    record Entry(Provider provider, String model, String id, int version, Rate input, Rate output) {
        /** What the usage event names as its priced model: the family, or null for a {@code *} entry. */
        String pricedModel() {
            return model.equals(ANY_MODEL) ? null : model;
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            tokens("gpt-4", "0.03", "0.06"),
            tokens("gpt-3.5-turbo", "0.0005", "0.0015"),
            tokens("gpt-4o", "0.0025", "0.01"),
            tokens("gpt-4o-mini", "0.00015", "0.0006"),
            tokens("o3-mini", "0.0011", "0.0044"),
            tokens("text-embedding-3-small", "0.00002", null),
            tokens("text-embedding-3-large", "0.00013", null),
            tokens("text-embedding-ada-002", "0.0001", null),
            new Entry(Provider.ELEVENLABS, ANY_MODEL, "elevenlabs/default/1", 1, new Rate("0.30", 10_000), null),
            new Entry(Provider.SMARTFLO, ANY_MODEL, "smartflo/default/1", 1, new Rate("0.02", 60), null));

    private PriceBook() {
    }

    private static Entry tokens(String model, String inputPer1k, String outputPer1k) {
        return new Entry(Provider.OPENAI, model, "openai/" + model + "/1", 1, new Rate(inputPer1k, 1000),
                outputPer1k == null ? null : new Rate(outputPer1k, 1000));
    }

    static List<Entry> entries() {
        return ENTRIES;
    }

    /** The family a model id is priced as: {@code gpt-4o-2024-08-06} is {@code gpt-4o}; null for no model. */
    static String familyOf(String model) {
        if (model == null) {
            return null;
        }
        return DATE_SUFFIX.matcher(model.trim().toLowerCase(Locale.ROOT)).replaceFirst("");
    }

    /**
     * The entry a call of this provider and model is priced by: its family's, else the provider's {@code *};
     * null when there is none (the call is unpriced).
     */
    static Entry find(Provider provider, String model) {
        String family = familyOf(model);
        Entry any = null;
        for (Entry entry : ENTRIES) {
            if (entry.provider() == provider) {
                if (entry.model().equals(family)) {
                    return entry;
                }
                if (entry.model().equals(ANY_MODEL)) {
                    any = entry;
                }
            }
        }
        return any;
    }

    /** The amount of a call: input and output priced separately and added, in its shortest exact form. */
    static BigDecimal amount(Entry entry, long inputUnits, long outputUnits) {
        BigDecimal amount = entry.input().of(inputUnits);
        if (entry.output() != null && outputUnits != 0) {
            amount = amount.add(entry.output().of(outputUnits));
        }
        return normalize(amount);
    }

    /** The shortest exact form of an amount, as the gateway writes it: 0.030000 is 0.03, 6.00 is 6. */
    static BigDecimal normalize(BigDecimal amount) {
        if (amount.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
