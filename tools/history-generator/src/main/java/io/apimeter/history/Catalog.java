package io.apimeter.history;

import io.apimeter.events.Provider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What clients call, with how often: the operations the gateway names in its usage events (its routes in
 * {@code ProxyRoutes}, {@code ElevenLabsProxy}, {@code SmartfloProxy}, {@code SmartfloBilling}) and the model ids
 * clients send, each with the price book entry it resolves to.
 */
final class Catalog {
    static final byte[] CHAT_COMPLETIONS = ascii("chat.completions");
    static final byte[] RESPONSES = ascii("responses");
    static final byte[] EMBEDDINGS = ascii("embeddings");
    static final byte[] COMPLETIONS = ascii("completions");
    static final byte[] TEXT_TO_SPEECH = ascii("text-to-speech");
    /** Smartflo: the call placed through the gateway ({@code SmartfloProxy}). */
    static final byte[] CLICK_TO_CALL = ascii("click-to-call");
    /** Smartflo: the report that bills a placed call's seconds ({@code SmartfloBilling.CALL}). */
    static final byte[] CALL = ascii("call");

    /**
     * A model id as a client sends it.
     *
     * @param id        null when the request names none
     * @param entry     the price book entry it is priced by; null: unpriced
     * @param reasoning spends part of its output on reasoning (reported as reasoning tokens)
     * @param caches    the provider serves repeated prompt prefixes from its cache (reported as cached tokens)
     */
    record Model(String id, PriceBook.Entry entry, boolean reasoning, boolean caches, byte[] idBytes,
                 byte[] pricedModelBytes, byte[] priceIdBytes) {
        static Model of(Provider provider, String id, boolean reasoning, boolean caches) {
            PriceBook.Entry entry = PriceBook.find(provider, id);
            return new Model(id, entry, reasoning, caches, ascii(id),
                    entry == null ? null : ascii(entry.pricedModel()), entry == null ? null : ascii(entry.id()));
        }

        boolean priced() {
            return entry != null;
        }
    }

    /** Models with weights, picked by weight. */
    static final class Mix {
        private final List<Model> models = new ArrayList<>();
        private double[] cumulative = new double[0];

        Mix add(double weight, Model model) {
            models.add(model);
            double[] next = new double[cumulative.length + 1];
            System.arraycopy(cumulative, 0, next, 0, cumulative.length);
            next[cumulative.length] = (cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1]) + weight;
            cumulative = next;
            return this;
        }

        Model pick(SplittableRandom random) {
            double u = random.nextDouble() * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) {
                if (u < cumulative[i]) {
                    return models.get(i);
                }
            }
            return models.get(models.size() - 1);
        }

        List<Model> models() {
            return List.copyOf(models);
        }
    }

    /** Chat completions and responses. gpt-4.1-mini has no price in the book: a call with it is unpriced. */
    static final Mix CHAT = new Mix()
            .add(34, openAi("gpt-4o-mini", false, true))
            .add(8, openAi("gpt-4o-mini-2024-07-18", false, true))
            .add(22, openAi("gpt-4o", false, true))
            .add(8, openAi("gpt-4o-2024-08-06", false, true))
            .add(6, openAi("o3-mini", true, true))
            .add(2, openAi("o3-mini-2025-01-31", true, true))
            .add(5, openAi("gpt-4", false, false))
            .add(3, openAi("gpt-4-0613", false, false))
            .add(6, openAi("gpt-3.5-turbo", false, false))
            .add(3, openAi("gpt-3.5-turbo-0125", false, false))
            .add(1, openAi("gpt-4.1-mini", false, true));

    static final Mix EMBEDDING = new Mix()
            .add(75, openAi("text-embedding-3-small", false, false))
            .add(15, openAi("text-embedding-3-large", false, false))
            .add(10, openAi("text-embedding-ada-002", false, false));

    /** The legacy completions API: its instruct model has no price in the book either. */
    static final Mix LEGACY_COMPLETION = new Mix()
            .add(1, openAi("gpt-3.5-turbo-instruct", false, false));

    /** ElevenLabs model_id; some requests name none. Every model is priced by the provider's {@code *} entry. */
    static final Mix VOICE = new Mix()
            .add(45, Model.of(Provider.ELEVENLABS, "eleven_multilingual_v2", false, false))
            .add(25, Model.of(Provider.ELEVENLABS, "eleven_turbo_v2_5", false, false))
            .add(20, Model.of(Provider.ELEVENLABS, "eleven_flash_v2_5", false, false))
            .add(5, Model.of(Provider.ELEVENLABS, "eleven_monolingual_v1", false, false))
            .add(5, Model.of(Provider.ELEVENLABS, null, false, false));

    /** A Smartflo call names no model; it is priced by the provider's {@code *} entry. */
    static final Model PHONE_CALL = Model.of(Provider.SMARTFLO, null, false, false);

    private Catalog() {
    }

    private static Model openAi(String id, boolean reasoning, boolean caches) {
        return Model.of(Provider.OPENAI, id, reasoning, caches);
    }

    static byte[] ascii(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.US_ASCII);
    }
}
