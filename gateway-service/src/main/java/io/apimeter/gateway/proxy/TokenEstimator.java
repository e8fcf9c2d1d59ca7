package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens with OpenAI's own tokenizers, for a call whose usage the provider never reported (the client
 * went away mid-stream). Such counts are marked as estimated in the UsageEvent.
 */
final class TokenEstimator {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private TokenEstimator() {
    }

    static long count(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encodingFor(model).countTokens(text);
    }

    /**
     * The tokens of a text that arrives in pieces (a streamed answer), counted as it comes so that only a
     * bounded tail of it is ever kept: once more than {@code keepChars} characters wait, all but the last word
     * are counted and let go. The text is cut only before a space that follows a word, where OpenAI's
     * tokenizers split it too, so the total is the count of the whole text (a text without such spaces, say
     * Chinese, is cut anywhere: a token or so more per cut).
     */
    static final class Tally {
        /** Characters kept before they are counted: a few thousand tokens of an answer. */
        static final int KEEP_CHARS = 16 * 1024;

        private final Encoding encoding;
        private final int keepChars;
        private final StringBuilder text = new StringBuilder();
        private long counted;

        /** Counts with the tokenizer of {@code model} as the text comes. */
        Tally(String model) {
            this(model, KEEP_CHARS);
        }

        Tally(String model, int keepChars) {
            this.encoding = encodingFor(model);
            this.keepChars = keepChars;
        }

        /** Keeps all the text, uncounted, for a caller that counts it itself; {@link #tokens()} uses the default tokenizer. */
        static Tally keepingAll() {
            return new Tally(null, Integer.MAX_VALUE);
        }

        void append(CharSequence piece) {
            text.append(piece);
            if (text.length() > keepChars) {
                int cut = cut(text);
                counted += encoding.countTokens(text.substring(0, cut));
                text.delete(0, cut);
            }
        }

        /** The text not counted yet. */
        String uncounted() {
            return text.toString();
        }

        /** Tokens of all the text appended. */
        long tokens() {
            return counted + (text.isEmpty() ? 0 : encoding.countTokens(text.toString()));
        }

        /**
         * Where to cut: before the last space that follows a word in the second half of the text, else before
         * its last character. At least half goes each time, so no character is looked at more than twice.
         */
        private static int cut(CharSequence text) {
            int half = text.length() / 2;
            for (int i = text.length() - 1; i > half; i--) {
                if (text.charAt(i) == ' ' && !Character.isWhitespace(text.charAt(i - 1))) {
                    return i;
                }
            }
            int last = text.length() - 1;
            return Character.isLowSurrogate(text.charAt(last)) ? last - 1 : last;
        }
    }

    /** The text a request sends: chat messages, a Responses API input, or a legacy prompt. */
    static String inputText(JsonNode request) {
        if (request == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        request.path("messages").forEach(message -> appendContent(text, message.path("content")));
        appendContent(text, request.path("input"));
        appendContent(text, request.path("prompt"));
        appendContent(text, request.path("instructions"));
        return text.toString();
    }

    private static void appendContent(StringBuilder text, JsonNode content) {
        if (content.isTextual()) {
            text.append(content.asText()).append('\n');
        } else if (content.isArray()) {
            content.forEach(part -> {
                if (part.isTextual()) {
                    text.append(part.asText()).append('\n');
                } else {
                    appendContent(text, part.path("text"));
                    appendContent(text, part.path("content"));
                }
            });
        }
    }

    private static Encoding encodingFor(String model) {
        if (model != null) {
            var known = REGISTRY.getEncodingForModel(model);
            if (known.isPresent()) {
                return known.get();
            }
            if (model.startsWith("gpt-4o") || model.startsWith("o1") || model.startsWith("o3") || model.startsWith("gpt-5")) {
                return REGISTRY.getEncoding(EncodingType.O200K_BASE);
            }
        }
        return REGISTRY.getEncoding(EncodingType.CL100K_BASE);
    }
}
