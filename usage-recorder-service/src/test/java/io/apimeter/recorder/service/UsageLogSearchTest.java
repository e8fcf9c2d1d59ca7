package io.apimeter.recorder.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.recorder.entity.UsageLog;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The call log's search reads index ranges per provider and outcome and merges them (UsageLogQuery); whatever the
 * filter, page after page, it must return exactly the rows, in exactly the order, of the plain filter
 * ({@code where ... order by occurred_at desc, event_id desc}) over the same table: none lost, none twice, none
 * out of place, across months, ties of occurredAt, models priced as another model, and calls without a model.
 * A database of its own: the plain filter sees only this test's rows.
 */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder_search"))
class UsageLogSearchTest {
    private static final String BIG = "search-big";
    private static final String SMALL = "search-small";
    private static final Instant START = Instant.parse("2031-01-20T00:00:00Z");
    /** The rows span three months: January's end, February, March's start. */
    private static final long SPAN_SECONDS = 50L * 24 * 3600;
    private static final String[][] MODELS = {
        // provider, model as sent, priced model
        {"OPENAI", "gpt-4o", "gpt-4o"},
        {"OPENAI", "gpt-4o-2024-08-06", "gpt-4o"},
        {"OPENAI", "gpt-4-0613", "gpt-4"},
        {"OPENAI", "o9-preview", null},
        {"ELEVENLABS", "eleven_multilingual_v2", "eleven_multilingual_v2"},
        {"ELEVENLABS", null, "eleven_multilingual_v2"},
        {"SMARTFLO", null, null},
    };

    @Inject
    UsageLogWriter writer;
    @Inject
    UsageLogSearch search;
    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void fillOnce() throws SQLException {
        if (count() > 0) {
            return;
        }
        Random random = new Random(42);
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            // Like a real log, no customer has most of it: each filter narrows the rows, as the planner must see.
            String customer = i % 8 == 0 ? BIG : i % 40 == 1 ? SMALL : "search-other-" + (i % 30);
            String[] model = MODELS[random.nextInt(MODELS.length)];
            Outcome outcome = random.nextInt(4) == 0 ? Outcome.values()[random.nextInt(Outcome.values().length)]
                    : Outcome.SUCCESS;
            // Every fifth call shares its instant with the one before: the event id orders them.
            Instant occurredAt = i % 5 == 4 ? events.get(i - 1).occurredAt()
                    : START.plusSeconds(random.nextLong(SPAN_SECONDS)).plusNanos(random.nextInt(1000) * 1000L);
            events.add(new UsageEvent(UUID.randomUUID(), customer, "key-" + customer, Provider.valueOf(model[0]),
                    "op", model[1], model[2], occurredAt, 10, 200, outcome, Usage.tokens(1, 1),
                    Cost.of(new BigDecimal("0.001"), "p", 1)));
        }
        assertEquals(events.size(), writer.recordAll(events, START));
    }

    @Test
    void shouldReturnWhatThePlainFilterReturnsForEveryCombinationPageAfterPage() throws SQLException {
        List<String> customers = Arrays.asList(null, BIG, SMALL, "search-nobody");
        List<Provider> providers = new ArrayList<>(Arrays.asList(Provider.values()));
        providers.add(0, null);
        List<Outcome> outcomes = Arrays.asList(null, Outcome.SUCCESS, Outcome.PROVIDER_ERROR, Outcome.REJECTED);
        List<String> models = Arrays.asList(null, "gpt-4o", "gpt-4o-2024-08-06", "gpt-4", "eleven_multilingual_v2",
                "o9-preview", "no-such-model");
        List<Instant[]> ranges = List.of(new Instant[] {null, null},
                new Instant[] {Instant.parse("2031-02-10T00:00:00Z"), Instant.parse("2031-03-02T00:00:00Z")},
                new Instant[] {null, Instant.parse("2031-01-31T00:00:00Z")});
        int combinations = 0;
        int withRows = 0;
        for (String customer : customers) {
            for (Provider provider : providers) {
                for (Outcome outcome : outcomes) {
                    for (String model : models) {
                        for (Instant[] range : ranges) {
                            UsageLogFilter filter = new UsageLogFilter(customer, provider, outcome, model, range[0],
                                    range[1], 40, null);
                            List<UUID> expected = plain(filter);
                            assertSameRows(expected, paged(filter), "pages of " + filter);
                            combinations++;
                            withRows += expected.isEmpty() ? 0 : 1;
                        }
                    }
                }
            }
        }
        assertEquals(4 * 4 * 4 * 7 * 3, combinations);
        assertTrue(withRows > 100, "most combinations find rows: " + withRows);
    }

    @Test
    void shouldStreamWhatThePlainFilterReturns() throws SQLException {
        for (UsageLogFilter filter : List.of(
                new UsageLogFilter(null, null, null, null, null, null, 1, null),
                new UsageLogFilter(BIG, null, null, null, null, null, 1, null),
                new UsageLogFilter(null, null, Outcome.SUCCESS, "gpt-4o", null, null, 1, null),
                new UsageLogFilter(SMALL, Provider.OPENAI, null, "gpt-4", Instant.parse("2031-02-01T00:00:00Z"),
                        null, 1, null))) {
            List<UUID> streamed = new ArrayList<>();
            search.stream(filter, row -> streamed.add(row.eventId));
            assertSameRows(plain(filter), streamed, "export of " + filter);
        }
    }

    private static void assertSameRows(List<UUID> expected, List<UUID> actual, String what) {
        if (expected.equals(actual)) {
            return;
        }
        int at = 0;
        while (at < Math.min(expected.size(), actual.size()) && expected.get(at).equals(actual.get(at))) {
            at++;
        }
        throw new AssertionError(what + ": " + actual.size() + " rows instead of " + expected.size()
                + ", the first difference at row " + at);
    }

    private List<UUID> paged(UsageLogFilter first) {
        List<UUID> all = new ArrayList<>();
        UsageLogFilter filter = first;
        for (int page = 0; page < 100; page++) {
            UsageLogPage result = search.search(filter);
            result.items().stream().map(row -> row.eventId).forEach(all::add);
            assertTrue(result.items().size() <= first.limit());
            if (result.next() == null) {
                return all;
            }
            UsageLog last = result.items().get(result.items().size() - 1);
            assertEquals(new Cursor(last.occurredAt, last.eventId), result.next());
            filter = new UsageLogFilter(first.customerId(), first.provider(), first.outcome(), first.model(),
                    first.from(), first.to(), first.limit(), result.next());
        }
        throw new AssertionError("more than 100 pages for " + first);
    }

    /** The filter as the API documents it, written the plain way. */
    private List<UUID> plain(UsageLogFilter filter) throws SQLException {
        StringBuilder sql = new StringBuilder("select event_id from usage_log where true");
        List<Object> values = new ArrayList<>();
        if (filter.customerId() != null) {
            sql.append(" and customer_id = ?");
            values.add(filter.customerId());
        }
        if (filter.provider() != null) {
            sql.append(" and provider = ?");
            values.add(filter.provider().name());
        }
        if (filter.outcome() != null) {
            sql.append(" and outcome = ?");
            values.add(filter.outcome().name());
        }
        if (filter.model() != null) {
            sql.append(" and (model = ? or priced_model = ?)");
            values.add(filter.model());
            values.add(filter.model());
        }
        if (filter.from() != null) {
            sql.append(" and occurred_at >= ?");
            values.add(filter.from().atOffset(ZoneOffset.UTC));
        }
        if (filter.to() != null) {
            sql.append(" and occurred_at < ?");
            values.add(filter.to().atOffset(ZoneOffset.UTC));
        }
        sql.append(" order by occurred_at desc, event_id desc");
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                query.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    private long count() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("select count(*) from usage_log");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
