package io.apimeter.readbenchmark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests that did not answer 200, warm-up ones included: each makes the run exit 1, since a benchmark of
 * answers that were errors measures nothing. The first few are printed at once on the error stream (a run that
 * fails shows it in seconds, not at the end) and again in the report.
 */
final class Errors {
    static final int SHOWN = 5;

    private final PrintStream err;
    private final List<String> first = new ArrayList<>(SHOWN);
    private long count;

    Errors(PrintStream err) {
        this.err = err;
    }

    /** @param what the request, e.g. {@code GET /usage-logs?limit=50}, and what came back */
    synchronized void add(String what) {
        count++;
        if (first.size() < SHOWN) {
            first.add(what);
            err.println("read-benchmark: ERROR " + what);
        }
    }

    synchronized long count() {
        return count;
    }

    synchronized List<String> first() {
        return List.copyOf(first);
    }
}
