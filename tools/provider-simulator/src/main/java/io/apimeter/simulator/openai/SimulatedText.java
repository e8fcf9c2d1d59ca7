package io.apimeter.simulator.openai;

import java.util.ArrayList;
import java.util.List;

/** The simulated answers: one word per completion token, and how a stream splits them into pieces. */
final class SimulatedText {

    /** Completion tokens reported when the caller names neither a count nor a lower maximum. */
    static final long DEFAULT_COMPLETION_TOKENS = 16;
    /** A streamed answer is split into at most this many content pieces. */
    static final int MAX_STREAM_PIECES = 32;

    private static final String[] WORDS =
            "This is a simulated answer from the apimeter provider simulator.".split(" ");
    /** The answer has one word per completion token, up to this many. */
    private static final int MAX_ANSWER_WORDS = 1000;

    private SimulatedText() {
    }

    static String answer(long completionTokens) {
        int words = (int) Math.min(completionTokens, MAX_ANSWER_WORDS);
        StringBuilder text = new StringBuilder(words * 8);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[i % WORDS.length]);
        }
        return text.toString();
    }

    /**
     * The text cut at word boundaries into at most {@value #MAX_STREAM_PIECES} pieces that concatenate back to it;
     * a piece after the first starts with the space before its first word, as model tokens do.
     */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        if (text.isEmpty()) {
            return pieces;
        }
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                starts.add(i);
            }
        }
        int words = starts.size();
        int count = Math.min(words, MAX_STREAM_PIECES);
        for (int p = 0; p < count; p++) {
            int from = starts.get(p * words / count);
            int to = p + 1 < count ? starts.get((p + 1) * words / count) : text.length();
            pieces.add(text.substring(from, to));
        }
        return pieces;
    }
}
