package io.apimeter.simulator;

import java.util.ArrayDeque;
import java.util.List;

/** The most recent requests, oldest first, bounded so that a long benchmark cannot exhaust the heap. */
public final class RequestLog {

    /** How many requests are kept. */
    public static final int CAPACITY = 1000;

    private final ArrayDeque<RecordedRequest> requests = new ArrayDeque<>(CAPACITY);

    public void add(RecordedRequest request) {
        synchronized (requests) {
            if (requests.size() == CAPACITY) {
                requests.removeFirst();
            }
            requests.addLast(request);
        }
    }

    /** A snapshot, oldest first. */
    public List<RecordedRequest> snapshot() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public void clear() {
        synchronized (requests) {
            requests.clear();
        }
    }
}
