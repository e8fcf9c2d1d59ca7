package io.apimeter.history;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * When calls happen: the window is {@code months} whole UTC calendar months, the last one being the month of
 * {@code end} and cut off at {@code end} (exclusive). Its hours are weighted as traffic is: busy in the
 * working day, quiet at night, lighter at weekends, growing a little from the first month to the last.
 *
 * <p>{@link #at(double)} maps a fraction of all calls to its instant (the inverse of the hours' cumulative
 * weights); asked with growing fractions, it walks forward only, so the rows come out in time order, as a
 * call log grows.
 */
final class Timeline {
    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    /** UTC hour of day: the working hours of customers in Europe, India and the Americas overlap. */
    private static final double[] HOUR_OF_DAY = {0.35, 0.30, 0.28, 0.30, 0.40, 0.55, 0.70, 0.85, 0.95, 1.00, 1.00,
        0.98, 0.95, 1.00, 1.00, 0.97, 0.92, 0.85, 0.78, 0.70, 0.62, 0.55, 0.48, 0.40};
    private static final double WEEKEND = 0.55;

    private final List<YearMonth> months;
    private final long startMicros;
    private final long endMicros;
    private final long[] hourStart;
    /** cumulative[i] is the weight of all hours before hour i; one more entry than hours. */
    private final double[] cumulative;
    private final int[] monthOfHour;
    private int cursor;

    Timeline(int months, Instant end) {
        long endMicros = micros(end);
        // The last month is the one of the last microsecond in the window: an end at midnight of the 1st is that
        // month's start, so the month before is the last one.
        YearMonth last = YearMonth.from(LocalDateTime.ofEpochSecond(Math.floorDiv(endMicros - 1, 1_000_000L), 0,
                ZoneOffset.UTC));
        YearMonth first = last.minusMonths(months - 1L);
        List<YearMonth> list = new ArrayList<>();
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
            list.add(m);
        }
        this.months = List.copyOf(list);
        this.startMicros = micros(first.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        this.endMicros = endMicros;
        int hours = (int) ((endMicros - startMicros + MICROS_PER_HOUR - 1) / MICROS_PER_HOUR);
        hourStart = new long[hours];
        cumulative = new double[hours + 1];
        monthOfHour = new int[hours];
        int month = 0;
        for (int h = 0; h < hours; h++) {
            long from = startMicros + h * MICROS_PER_HOUR;
            long to = Math.min(from + MICROS_PER_HOUR, endMicros);
            LocalDateTime at = LocalDateTime.ofEpochSecond(from / 1_000_000L, 0, ZoneOffset.UTC);
            while (month + 1 < this.months.size() && !YearMonth.from(at).isBefore(this.months.get(month + 1))) {
                month++;
            }
            double weight = HOUR_OF_DAY[at.getHour()];
            if (at.getDayOfWeek() == DayOfWeek.SATURDAY || at.getDayOfWeek() == DayOfWeek.SUNDAY) {
                weight *= WEEKEND;
            }
            weight *= 0.85 + 0.30 * h / hours;
            weight *= (double) (to - from) / MICROS_PER_HOUR;
            hourStart[h] = from;
            monthOfHour[h] = month;
            cumulative[h + 1] = cumulative[h] + weight;
        }
    }

    /**
     * The instant (microseconds since the epoch) below which {@code fraction} of all calls happen; fractions must
     * not decrease from one call to the next.
     */
    long at(double fraction) {
        int hours = hourStart.length;
        double target = fraction * cumulative[hours];
        while (cursor < hours - 1 && cumulative[cursor + 1] <= target) {
            cursor++;
        }
        double within = (target - cumulative[cursor]) / (cumulative[cursor + 1] - cumulative[cursor]);
        long length = Math.min(hourStart[cursor] + MICROS_PER_HOUR, endMicros) - hourStart[cursor];
        // Never the next hour's first microsecond: it may be the next month's.
        return hourStart[cursor] + Math.min(length - 1, (long) (Math.max(0, within) * length));
    }

    /** Index in {@link #months()} of the month of the last instant {@link #at} gave. */
    int monthIndex() {
        return monthOfHour[cursor];
    }

    List<YearMonth> months() {
        return months;
    }

    Instant start() {
        return Instant.EPOCH.plus(startMicros, ChronoUnit.MICROS);
    }

    Instant end() {
        return Instant.EPOCH.plus(endMicros, ChronoUnit.MICROS);
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }
}
