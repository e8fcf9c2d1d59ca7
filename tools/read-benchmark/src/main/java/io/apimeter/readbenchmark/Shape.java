package io.apimeter.readbenchmark;

import java.util.ArrayList;
import java.util.List;

/**
 * One kind of call-log request: which of the four equality filters it sets, whether it has a time range, and
 * whether it is a first page or a page deep in the log. Each combination may take its own plan (and index) in
 * the database, so each is timed on its own: 16 filter sets × range or not × first or deep = 64 shapes.
 *
 * @param customer sets {@code customerId}
 * @param provider sets {@code provider}
 * @param outcome  sets {@code outcome}
 * @param model    sets {@code model}
 * @param range    sets {@code from} and {@code to}, one day apart
 * @param deep     sets a {@code cursor} in the middle of the data, as a client that has paged half way
 */
record Shape(boolean customer, boolean provider, boolean outcome, boolean model, boolean range, boolean deep) {

    /** All 64, the fewer filters the earlier; for each filter set: no range first, no range deep, range first, deep. */
    static List<Shape> all() {
        List<Shape> shapes = new ArrayList<>(64);
        for (int filters = 0; filters <= 4; filters++) {
            for (int mask = 0; mask < 16; mask++) {
                if (Integer.bitCount(mask) != filters) {
                    continue;
                }
                for (int variant = 0; variant < 4; variant++) {
                    shapes.add(new Shape((mask & 8) != 0, (mask & 4) != 0, (mask & 2) != 0, (mask & 1) != 0,
                            (variant & 2) != 0, (variant & 1) != 0));
                }
            }
        }
        return List.copyOf(shapes);
    }

    /** The filters set, joined with {@code +}, e.g. {@code customer+model}; {@code no filter} for none. */
    String filters() {
        List<String> names = new ArrayList<>(4);
        if (customer) {
            names.add("customer");
        }
        if (provider) {
            names.add("provider");
        }
        if (outcome) {
            names.add("outcome");
        }
        if (model) {
            names.add("model");
        }
        return names.isEmpty() ? "no filter" : String.join("+", names);
    }

    /** E.g. {@code customer+model, range, deep}. */
    String label() {
        return filters() + ", " + (range ? "range" : "no range") + ", " + (deep ? "deep" : "first");
    }
}
