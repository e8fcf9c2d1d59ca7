package io.apimeter.benchmark;

import java.util.Map;

/** How far a consumer group is behind a topic, from the topic's end offsets and the group's committed offsets. */
final class Lag {
    private Lag() {
    }

    /**
     * True when the group has committed at least up to {@code end} on every partition that holds records
     * ({@code end} > 0 there); a partition without a committed offset is not caught up.
     */
    static boolean caughtUp(Map<Integer, Long> end, Map<Integer, Long> committed) {
        for (Map.Entry<Integer, Long> partition : end.entrySet()) {
            long target = partition.getValue();
            if (target <= 0) {
                continue;
            }
            Long offset = committed.get(partition.getKey());
            if (offset == null || offset < target) {
                return false;
            }
        }
        return true;
    }

    /**
     * Records between the group's committed offsets and the end, summed over the partitions. A partition the
     * group never committed on counts from its first offset still held ({@code start}, 0 when unknown).
     */
    static long of(Map<Integer, Long> end, Map<Integer, Long> committed, Map<Integer, Long> start) {
        long lag = 0;
        for (Map.Entry<Integer, Long> partition : end.entrySet()) {
            Long offset = committed.get(partition.getKey());
            long from = offset != null ? offset : start.getOrDefault(partition.getKey(), 0L);
            lag += Math.max(0, partition.getValue() - from);
        }
        return lag;
    }
}
