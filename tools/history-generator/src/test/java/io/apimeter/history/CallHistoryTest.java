package io.apimeter.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CallHistoryTest {
    private static final Instant END = Instant.parse("2026-07-01T00:00:00Z");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx");

    @Test
    void shouldMakeExactlyTheRowsAskedForEvenWhenASmartfloCallNeedsTwo() throws Exception {
        for (long rows : new long[] {1, 2, 3, 17, 1_001}) {
            assertEquals(rows, generate(rows, 3, 1, END).split("\n").length, rows + " rows");
        }
    }

    @Test
    void shouldMakeTheSameRowsFromTheSameSeed() throws Exception {
        assertEquals(generate(3_000, 20, 9, END), generate(3_000, 20, 9, END));
        assertFalse(generate(3_000, 20, 9, END).equals(generate(3_000, 20, 10, END)));
    }

    @Test
    void shouldWriteRowsInTimeOrderWithinTheMonthsOfTheWindow() throws Exception {
        Instant end = Instant.parse("2026-06-15T12:34:56Z");
        String copy = generate(5_000, 20, 3, end);

        Instant previous = Instant.MIN;
        for (String line : copy.split("\n")) {
            String[] columns = line.split("\t", -1);
            assertEquals(23, columns.length, line);
            Instant occurred = OffsetDateTime.parse(columns[7], TIMESTAMP).toInstant();
            Instant recorded = OffsetDateTime.parse(columns[22], TIMESTAMP).toInstant();
            assertFalse(occurred.isBefore(previous), line);
            assertTrue(occurred.isBefore(end), line);
            assertFalse(occurred.isBefore(Instant.parse("2026-04-01T00:00:00Z")), line);
            assertTrue(recorded.isAfter(occurred), line);
            previous = occurred;
        }
    }

    @Test
    void shouldEndTheLastMonthAtAnEndOnItsFirstInstant() {
        Timeline timeline = new Timeline(3, END);

        assertEquals(List.of(YearMonth.of(2026, 4), YearMonth.of(2026, 5), YearMonth.of(2026, 6)), timeline.months());
        assertEquals(Instant.parse("2026-04-01T00:00:00Z"), timeline.start());
    }

    @Test
    void shouldWriteCopyTextValues() {
        Chunk chunk = new Chunk(256);
        new CopyText(chunk).uuid(0x0123456789abcdefL, 0xfedcba9876543210L).nul().number(-42).number(0).bool(true)
                .timestamp(Timeline.micros(Instant.parse("1999-12-31T23:59:59.000007Z"))).numberOrNull(0).endRow();

        assertEquals("01234567-89ab-cdef-fedc-ba9876543210\t\\N\t-42\t0\tt\t1999-12-31 23:59:59.000007+00\t\\N\n",
                new String(chunk.bytes, 0, chunk.length, StandardCharsets.US_ASCII));
        assertEquals(1, chunk.rows);
    }

    /** The COPY text of usage_log the generator makes, through small chunks so that many change hands. */
    private static String generate(long rows, int customerCount, long seed, Instant end) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Timeline timeline = new Timeline(3, end);
        Customers customers = new Customers("t-", customerCount, 1.0, random);
        MonthlyTotals totals = new MonthlyTotals(customerCount, timeline.months());
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        UsageLogRows.Handoff collect = new UsageLogRows.Handoff() {
            @Override
            public Chunk exchange(Chunk full) {
                copy.write(full.bytes, 0, full.length);
                full.clear();
                return full;
            }

            @Override
            public void finish(Chunk last) {
                exchange(last);
            }
        };
        UsageLogRows sink = new UsageLogRows(customers, totals, collect, new Chunk(4096));
        new CallHistory(rows, customers, timeline, random).generate(sink);
        sink.finish();
        long byMonth = 0;
        for (int m = 0; m < timeline.months().size(); m++) {
            byMonth += totals.rowsOfMonth(m);
        }
        assertEquals(rows, byMonth);
        byte[] bytes = copy.toByteArray();
        assertArrayEquals(new byte[] {'\n'}, new byte[] {bytes[bytes.length - 1]});
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
