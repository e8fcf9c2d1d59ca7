package io.apimeter.history;

import io.apimeter.events.Provider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The generated customers and what sets them apart: how big each is (Zipf-like: the customer of rank r weighs
 * {@code 1 / r^skew}; which customer gets which rank is shuffled), its platform API keys, the providers it uses,
 * how often its calls fail and how large its prompts are. All drawn from the seeded random, in a fixed order.
 */
final class Customers {
    private static final double[] NO_ELEVENLABS_NO_SMARTFLO = {1.0, 1.0, 1.0};

    private final String[] ids;
    private final byte[][] idBytes;
    private final byte[][][] apiKeys;
    /** Per customer, the cumulative shares of OPENAI, ELEVENLABS, SMARTFLO among its calls. */
    private final double[][] providerShares;
    private final double[] errorRates;
    private final double[] promptScales;
    /** Walker's alias method: one customer by weight in constant time. */
    private final double[] aliasChance;
    private final int[] alias;
    private final int[] byRank;

    Customers(String prefix, int count, double skew, SplittableRandom random) {
        int width = Math.max(2, String.valueOf(count).length());
        ids = new String[count];
        idBytes = new byte[count][];
        for (int i = 0; i < count; i++) {
            ids[i] = prefix + zeroPadded(i + 1, width);
            idBytes[i] = ids[i].getBytes(StandardCharsets.US_ASCII);
        }
        byRank = new int[count];
        for (int i = 0; i < count; i++) {
            byRank[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = byRank[i];
            byRank[i] = byRank[j];
            byRank[j] = swap;
        }
        double[] weights = new double[count];
        apiKeys = new byte[count][][];
        providerShares = new double[count][];
        errorRates = new double[count];
        promptScales = new double[count];
        for (int rank = 0; rank < count; rank++) {
            int customer = byRank[rank];
            weights[customer] = 1.0 / Math.pow(rank + 1, skew);
            // Big customers run several apps, each with a key of its own.
            int keys = 1 + random.nextInt(rank < 100 ? 5 : 2);
            apiKeys[customer] = new byte[keys][];
            for (int k = 0; k < keys; k++) {
                apiKeys[customer][k] = uuid(random).toString().getBytes(StandardCharsets.US_ASCII);
            }
            // Everyone uses OpenAI; fewer also speak (ElevenLabs) or phone (Smartflo); the biggest do all three.
            boolean speaks = rank < 3 || random.nextDouble() < 0.4;
            boolean phones = rank < 3 || random.nextDouble() < 0.3;
            providerShares[customer] = shares(speaks ? 0.22 : 0, phones ? 0.10 : 0);
            errorRates[customer] = 0.008 + 0.045 * Math.pow(random.nextDouble(), 2);
            promptScales[customer] = Math.exp(0.5 * random.nextGaussian());
        }
        aliasChance = new double[count];
        alias = new int[count];
        buildAlias(weights);
    }

    private static double[] shares(double elevenlabs, double smartflo) {
        if (elevenlabs == 0 && smartflo == 0) {
            return NO_ELEVENLABS_NO_SMARTFLO;
        }
        double total = 1.0 + elevenlabs + smartflo;
        return new double[] {1.0 / total, (1.0 + elevenlabs) / total, 1.0};
    }

    /** Vose's variant of the alias method, over weights that need not add up to 1. */
    private void buildAlias(double[] weights) {
        int n = weights.length;
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smalls = 0;
        int larges = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / sum;
            if (scaled[i] < 1.0) {
                small[smalls++] = i;
            } else {
                large[larges++] = i;
            }
        }
        while (smalls > 0 && larges > 0) {
            int less = small[--smalls];
            int more = large[--larges];
            aliasChance[less] = scaled[less];
            alias[less] = more;
            scaled[more] = scaled[more] + scaled[less] - 1.0;
            if (scaled[more] < 1.0) {
                small[smalls++] = more;
            } else {
                large[larges++] = more;
            }
        }
        while (larges > 0) {
            int i = large[--larges];
            aliasChance[i] = 1.0;
            alias[i] = i;
        }
        while (smalls > 0) { // only rounding leaves one here
            int i = small[--smalls];
            aliasChance[i] = 1.0;
            alias[i] = i;
        }
    }

    /** A customer, picked by weight. */
    int pick(SplittableRandom random) {
        int i = random.nextInt(aliasChance.length);
        return random.nextDouble() < aliasChance[i] ? i : alias[i];
    }

    Provider provider(int customer, SplittableRandom random) {
        double[] shares = providerShares[customer];
        double u = random.nextDouble();
        return u < shares[0] ? Provider.OPENAI : u < shares[1] ? Provider.ELEVENLABS : Provider.SMARTFLO;
    }

    byte[] apiKey(int customer, SplittableRandom random) {
        byte[][] keys = apiKeys[customer];
        return keys.length == 1 ? keys[0] : keys[random.nextInt(keys.length)];
    }

    /** The share of the customer's calls that do not succeed. */
    double errorRate(int customer) {
        return errorRates[customer];
    }

    /** How much larger (or smaller) than the median this customer's prompts and texts are. */
    double promptScale(int customer) {
        return promptScales[customer];
    }

    int count() {
        return ids.length;
    }

    String id(int customer) {
        return ids[customer];
    }

    byte[] idBytes(int customer) {
        return idBytes[customer];
    }

    List<String> ids() {
        return List.of(ids);
    }

    /** A version 4 UUID from the seeded random, so event ids and key ids repeat with the seed. */
    static UUID uuid(SplittableRandom random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private static String zeroPadded(int n, int width) {
        String digits = Integer.toString(n);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }
}
