package io.apimeter.readbenchmark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The customers the benchmark asks for, picked by size: call-log queries of a customer with millions of rows and
 * of one with a handful take different plans and times, and the generated history is skewed (a few customers
 * make most calls), so picking at random from all would nearly always pick a small one. Groups: the biggest,
 * ranks 2 to 10, five around the median, and the smallest with at least one call.
 */
final class Customers {
    static final String BIGGEST = "biggest";
    static final String TOP_TEN = "ranks 2-10";
    static final String MEDIAN = "median";
    static final String SMALLEST = "smallest";

    /** A picked customer: its id, its calls in the discovery months and its group. */
    record Customer(String id, long calls, String group, int rank) {
    }

    private final Map<String, List<Customer>> groups;
    private final int known;

    private Customers(Map<String, List<Customer>> groups, int known) {
        this.groups = groups;
        this.known = known;
    }

    /**
     * Picks from every customer's calls; customers without calls are not picked.
     *
     * @throws IllegalArgumentException when no customer has a call
     */
    static Customers pick(Map<String, Long> callsById) {
        List<Map.Entry<String, Long>> ranked = callsById.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .toList();
        if (ranked.isEmpty()) {
            throw new IllegalArgumentException("no customer has a call");
        }
        int n = ranked.size();
        int median = (n - 1) / 2;
        Map<String, List<Customer>> groups = new LinkedHashMap<>();
        Set<Integer> taken = new LinkedHashSet<>();
        add(groups, taken, ranked, BIGGEST, 0, 0);
        add(groups, taken, ranked, TOP_TEN, 1, 9);
        add(groups, taken, ranked, MEDIAN, median - 2, median + 2);
        add(groups, taken, ranked, SMALLEST, n - 1, n - 1);
        return new Customers(groups, n);
    }

    private static void add(Map<String, List<Customer>> groups, Set<Integer> taken,
                            List<Map.Entry<String, Long>> ranked, String group, int first, int last) {
        List<Customer> members = new ArrayList<>();
        for (int i = Math.max(0, first); i <= Math.min(last, ranked.size() - 1); i++) {
            if (taken.add(i)) {
                members.add(new Customer(ranked.get(i).getKey(), ranked.get(i).getValue(), group, i + 1));
            }
        }
        if (!members.isEmpty()) {
            groups.put(group, List.copyOf(members));
        }
    }

    /** Customers with at least one call, of which these were picked. */
    int known() {
        return known;
    }

    Customer biggest() {
        return groups.get(BIGGEST).get(0);
    }

    /** Every picked customer, biggest first. */
    List<Customer> all() {
        return groups.values().stream().flatMap(List::stream).toList();
    }

    /**
     * A picked customer at random: a group uniformly, then a member of it uniformly, so that the biggest and the
     * smallest each come up in about a quarter of the requests.
     */
    Customer draw(SplittableRandom random) {
        List<List<Customer>> lists = List.copyOf(groups.values());
        List<Customer> group = lists.get(random.nextInt(lists.size()));
        return group.get(random.nextInt(group.size()));
    }
}
