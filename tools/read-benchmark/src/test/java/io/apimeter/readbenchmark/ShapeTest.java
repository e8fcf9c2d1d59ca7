package io.apimeter.readbenchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShapeTest {
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-05-20T10:00:00Z");

    @Test
    void shouldEnumerate64DistinctShapesWithDistinctLabels() {
        List<Shape> shapes = Shape.all();

        assertEquals(64, shapes.size());
        assertEquals(64, new HashSet<>(shapes).size());
        assertEquals(64, shapes.stream().map(Shape::label).collect(Collectors.toSet()).size());
        assertEquals("no filter, no range, first", shapes.get(0).label());
        assertEquals("customer+provider+outcome+model, range, deep", shapes.get(63).label());
        assertEquals(32, shapes.stream().filter(Shape::range).count());
        assertEquals(32, shapes.stream().filter(Shape::deep).count());
        assertEquals(16, shapes.stream().filter(s -> s.customer() && s.model()).count());
    }

    @Test
    void shouldPutExactlyTheShapesFiltersIntoItsQueries() {
        Queries queries = new Queries(customers(), FROM, TO, 50, new SplittableRandom(1));
        Set<String> seenProviders = new HashSet<>();
        Set<String> seenOutcomes = new HashSet<>();
        Set<String> seenModels = new HashSet<>();
        for (Shape shape : Shape.all()) {
            for (int i = 0; i < 50; i++) {
                Map<String, String> params = params(queries.next(shape));

                assertEquals(shape.customer(), params.containsKey("customerId"), shape.label());
                assertEquals(shape.provider(), params.containsKey("provider"), shape.label());
                assertEquals(shape.outcome(), params.containsKey("outcome"), shape.label());
                assertEquals(shape.model(), params.containsKey("model"), shape.label());
                assertEquals(shape.range(), params.containsKey("from"), shape.label());
                assertEquals(shape.range(), params.containsKey("to"), shape.label());
                assertEquals(shape.deep(), params.containsKey("cursor"), shape.label());
                assertEquals("50", params.get("limit"));
                int expected = 1 + (shape.customer() ? 1 : 0) + (shape.provider() ? 1 : 0) + (shape.outcome() ? 1 : 0)
                        + (shape.model() ? 1 : 0) + (shape.range() ? 2 : 0) + (shape.deep() ? 1 : 0);
                assertEquals(expected, params.size(), shape.label() + ": " + params);

                Instant from = FROM;
                Instant to = TO;
                if (shape.range()) {
                    from = Instant.parse(params.get("from"));
                    to = Instant.parse(params.get("to"));
                    assertEquals(Duration.ofDays(1), Duration.between(from, to));
                    assertFalse(from.isBefore(FROM));
                    assertFalse(to.isAfter(TO));
                }
                if (shape.deep()) {
                    String plain = new String(Base64.getUrlDecoder().decode(params.get("cursor")), StandardCharsets.UTF_8);
                    Instant at = Instant.parse(plain.substring(0, plain.indexOf('|')));
                    assertFalse(at.isBefore(from), plain);
                    assertTrue(at.isBefore(to), plain);
                    assertTrue(plain.endsWith("|ffffffff-ffff-ffff-ffff-ffffffffffff"), plain);
                }
                if (shape.customer()) {
                    assertTrue(params.get("customerId").startsWith("c"), params.toString());
                }
                if (params.containsKey("provider")) {
                    seenProviders.add(params.get("provider"));
                }
                if (params.containsKey("outcome")) {
                    seenOutcomes.add(params.get("outcome"));
                }
                if (params.containsKey("model")) {
                    seenModels.add(params.get("model"));
                }
            }
        }
        assertEquals(Set.copyOf(Queries.PROVIDERS), seenProviders);
        assertEquals(Set.copyOf(Queries.OUTCOMES), seenOutcomes);
        assertEquals(Set.copyOf(Queries.MODELS), seenModels);
    }

    @Test
    void shouldDrawTheSameQueriesFromTheSameSeed() {
        Queries a = new Queries(customers(), FROM, TO, 50, new SplittableRandom(42));
        Queries b = new Queries(customers(), FROM, TO, 50, new SplittableRandom(42));
        for (Shape shape : Shape.all()) {
            assertEquals(a.next(shape), b.next(shape));
        }
    }

    @Test
    void shouldUseTheWholeWindowAsTheRangeWhenItIsShorterThanADay() {
        Instant to = FROM.plus(Duration.ofHours(3));
        Queries queries = new Queries(customers(), FROM, to, 10, new SplittableRandom(1));
        Map<String, String> params = params(queries.next(new Shape(false, false, false, false, true, true)));
        assertEquals(FROM.toString(), params.get("from"));
        assertEquals(to.toString(), params.get("to"));
    }

    private static Customers customers() {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (int i = 1; i <= 40; i++) {
            calls.put("c" + i, 1000L - i);
        }
        return Customers.pick(calls);
    }

    static Map<String, String> params(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = pair.substring(0, equals);
            String previous = params.put(name, URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            assertEquals(null, previous, "twice: " + name + " in " + query);
        }
        return params;
    }
}
