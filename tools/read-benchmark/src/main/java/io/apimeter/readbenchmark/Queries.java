package io.apimeter.readbenchmark;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The query strings of call-log requests, each drawing its values at random: a customer among the picked ones,
 * a provider and an outcome uniformly from all (so that rare and contradictory combinations, SMARTFLO with
 * gpt-4o, REJECTED, come up as often as common ones), a model from {@link #MODELS}, a day inside the window, an
 * instant for a deep page. Drawn from one seeded generator, before the requests are sent, so that a run's
 * requests depend on the seed and the data only.
 */
final class Queries {
    static final List<String> PROVIDERS = List.of("OPENAI", "ELEVENLABS", "SMARTFLO");
    static final List<String> OUTCOMES = List.of("SUCCESS", "PROVIDER_ERROR", "PROVIDER_TIMEOUT",
            "PROVIDER_UNREACHABLE", "CLIENT_ABORTED", "REJECTED");
    /**
     * Models of the history generator's catalogue, common and rare, as sent and dated ({@code gpt-4o-2024-08-06}
     * is priced as gpt-4o), and one no call has.
     */
    static final List<String> MODELS = List.of("gpt-4o", "gpt-4o-mini", "gpt-4o-2024-08-06", "o3-mini",
            "text-embedding-3-small", "eleven_multilingual_v2", "gpt-3.5-turbo-instruct", "no-such-model");
    static final Duration RANGE = Duration.ofDays(1);

    private final Customers customers;
    private final Instant windowFrom;
    private final Instant windowTo;
    private final int limit;
    private final SplittableRandom random;

    Queries(Customers customers, Instant windowFrom, Instant windowTo, int limit, SplittableRandom random) {
        if (!windowFrom.isBefore(windowTo)) {
            throw new IllegalArgumentException("empty window");
        }
        this.customers = customers;
        this.windowFrom = windowFrom;
        this.windowTo = windowTo;
        this.limit = limit;
        this.random = random;
    }

    /** The query string (without {@code ?}) of one {@code GET /usage-logs} of the shape. */
    String next(Shape shape) {
        StringBuilder query = new StringBuilder();
        if (shape.customer()) {
            param(query, "customerId", customers.draw(random).id());
        }
        if (shape.provider()) {
            param(query, "provider", PROVIDERS.get(random.nextInt(PROVIDERS.size())));
        }
        if (shape.outcome()) {
            param(query, "outcome", OUTCOMES.get(random.nextInt(OUTCOMES.size())));
        }
        if (shape.model()) {
            param(query, "model", MODELS.get(random.nextInt(MODELS.size())));
        }
        Instant from = windowFrom;
        Instant to = windowTo;
        if (shape.range()) {
            Instant[] day = day();
            from = day[0];
            to = day[1];
            param(query, "from", from.toString());
            param(query, "to", to.toString());
        }
        param(query, "limit", Integer.toString(limit));
        if (shape.deep()) {
            param(query, "cursor", CursorToken.after(instantIn(from, to)));
        }
        return query.toString();
    }

    /** A range of {@link #RANGE} at a random whole second inside the window; the whole window if it is shorter. */
    Instant[] day() {
        long spare = Duration.between(windowFrom, windowTo).minus(RANGE).toSeconds();
        if (spare < 0) {
            return new Instant[] {windowFrom, windowTo};
        }
        Instant from = windowFrom.plusSeconds(spare == 0 ? 0 : random.nextLong(spare + 1));
        return new Instant[] {from, from.plus(RANGE)};
    }

    /** A whole second in {@code [from, to)}. */
    Instant instantIn(Instant from, Instant to) {
        long seconds = Duration.between(from, to).toSeconds();
        return seconds <= 0 ? from : from.plusSeconds(random.nextLong(seconds));
    }

    static void param(StringBuilder query, String name, String value) {
        if (query.length() > 0) {
            query.append('&');
        }
        query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
