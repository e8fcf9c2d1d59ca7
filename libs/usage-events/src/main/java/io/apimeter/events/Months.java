package io.apimeter.events;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** Billing months are calendar months in UTC. */
public final class Months {
    private Months() {
    }

    public static YearMonth of(Instant instant) {
        return YearMonth.from(instant.atOffset(ZoneOffset.UTC));
    }

    public static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    public static Instant end(YearMonth month) {
        return start(month.plusMonths(1));
    }
}
