package io.apimeter.history;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Options from command-line flags ({@code --name value} or {@code --name=value}). */
final class CommandLine {

    static final String USAGE = """
            Usage: java -jar history-generator.jar [options]
            Writes generated call history into usage_log (usage-recorder-service) and monthly_usage
            (aggregation-service) with PostgreSQL COPY. The services' tables must exist (start the services once,
            e.g. ./apimeter up).
              --rows <n>                rows of usage_log to write (default 50000000; also 20k, 2m, 50_000_000)
              --customers <n>           customers they are spread over (default 10000)
              --months <n>              UTC calendar months of history, the last one is --end's (default 3)
              --end <instant|date>      the history ends just before this (default now), e.g. 2026-07-01 or
                                        2026-06-15T12:00:00Z
              --seed <n>                seed of everything generated (default 1): same options, same rows
              --skew <s>                Zipf exponent of the customers' sizes, 0 to 3: 0 all alike,
                                        1 (default) a few with millions of rows, most with few
              --customer-prefix <p>     generated customer ids are <p>00001, <p>00002, ... (default gen-);
                                        a prefix already in monthly_usage is refused
              --recorder-url <jdbc>     usage-recorder-service's database
                                        (default jdbc:postgresql://127.0.0.1:5432/recorder)
              --aggregation-url <jdbc>  aggregation-service's database
                                        (default jdbc:postgresql://127.0.0.1:5432/aggregation)
              --user <name>             database user (default postgres)
              --password <pw>           database password (default PGPASSWORD, else postgres)
              --streams <n>             COPY statements into usage_log at once, each on its own connection, so
                                        that the server works on that many cores (default 2)
              --help                    print this and exit
            Exit status: 0 written; 1 a database refused or the prefix is taken (no row is written); 2 bad options.
            """;

    static final long DEFAULT_ROWS = 50_000_000L;
    static final int DEFAULT_STREAMS = 2;
    static final String DEFAULT_RECORDER_URL = "jdbc:postgresql://127.0.0.1:5432/recorder";
    static final String DEFAULT_AGGREGATION_URL = "jdbc:postgresql://127.0.0.1:5432/aggregation";

    /** The customer id the services accept on their REST APIs ({@code Params.CUSTOMER_ID} of service-common). */
    static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
    private static final Pattern COUNT = Pattern.compile("(\\d[\\d_]*)([km]?)");
    private static final Instant EARLIEST_END = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST_END = Instant.parse("2100-01-01T00:00:00Z");

    private static final Set<String> VALUED = Set.of("--rows", "--customers", "--months", "--end", "--seed", "--skew",
            "--customer-prefix", "--recorder-url", "--aggregation-url", "--user", "--password", "--streams");

    private CommandLine() {
    }

    static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the flags; the password may also come from {@code PGPASSWORD}, so it stays off the process list.
     *
     * @param now the default end of the history
     * @throws IllegalArgumentException on an unknown flag, a missing value or an invalid one
     */
    static Options parse(String[] args, Map<String, String> env, Supplier<Instant> now) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            String name = equals >= 0 ? arg.substring(0, equals) : arg;
            if (!VALUED.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (values.containsKey(name)) {
                throw new IllegalArgumentException(name + " is given twice");
            }
            if (equals >= 0) {
                values.put(name, arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
        }
        long rows = count("--rows", values.get("--rows"), DEFAULT_ROWS, 1, 2_000_000_000L);
        int customers = (int) count("--customers", values.get("--customers"), 10_000, 1, 1_000_000);
        int months = (int) count("--months", values.get("--months"), 3, 1, 120);
        int streams = (int) count("--streams", values.get("--streams"), DEFAULT_STREAMS, 1, 16);
        Instant end = values.containsKey("--end") ? end(values.get("--end")) : now.get();
        end = end.truncatedTo(ChronoUnit.MICROS);
        if (end.isBefore(EARLIEST_END) || !end.isBefore(LATEST_END)) {
            throw new IllegalArgumentException("--end: must be in the years 2000 to 2099, got " + end);
        }
        long seed = seed(values.getOrDefault("--seed", "1"));
        double skew = skew(values.getOrDefault("--skew", "1"));
        String prefix = values.getOrDefault("--customer-prefix", "gen-");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("--customer-prefix: 1 to 40 letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit, got '" + prefix + "'");
        }
        String user = values.getOrDefault("--user", "postgres");
        if (user.isBlank()) {
            throw new IllegalArgumentException("--user must not be blank");
        }
        String password = values.containsKey("--password") ? values.get("--password")
                : env.getOrDefault("PGPASSWORD", "postgres");
        return new Options(rows, customers, months, end, seed, skew, prefix,
                jdbcUrl("--recorder-url", values.getOrDefault("--recorder-url", DEFAULT_RECORDER_URL)),
                jdbcUrl("--aggregation-url", values.getOrDefault("--aggregation-url", DEFAULT_AGGREGATION_URL)),
                user, password, streams);
    }

    /** A count: digits, {@code _} between them allowed, and an optional {@code k} (thousand) or {@code m} (million). */
    static long count(String name, String value, long fallback, long min, long max) {
        if (value == null) {
            return fallback;
        }
        var matcher = COUNT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || matcher.group(1).endsWith("_")) {
            throw new IllegalArgumentException(name + ": not a number: '" + value + "'");
        }
        long parsed;
        try {
            parsed = Long.parseLong(matcher.group(1).replace("_", ""));
            parsed = switch (matcher.group(2)) {
                case "k" -> Math.multiplyExact(parsed, 1_000L);
                case "m" -> Math.multiplyExact(parsed, 1_000_000L);
                default -> parsed;
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(name + ": must be " + min + " to " + max + ", got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + ": must be " + min + " to " + max + ", got " + parsed);
        }
        return parsed;
    }

    /** An instant with its offset ({@code 2026-06-15T12:00:00Z}) or a date, meaning its start in UTC. */
    private static Instant end(String value) {
        String text = value.trim();
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--end: not a date (2026-07-01) or an instant with its offset "
                    + "(2026-06-15T12:00:00Z): '" + value + "'");
        }
    }

    private static long seed(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: not a whole number: '" + value + "'");
        }
    }

    private static double skew(String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--skew: not a number: '" + value + "'");
        }
        if (!(parsed >= 0 && parsed <= 3)) {
            throw new IllegalArgumentException("--skew: must be 0 to 3, got '" + value + "'");
        }
        return parsed;
    }

    private static String jdbcUrl(String name, String value) {
        String url = value.trim();
        if (!url.startsWith("jdbc:postgresql:") || url.length() == "jdbc:postgresql:".length()) {
            throw new IllegalArgumentException(name + ": a PostgreSQL JDBC URL is needed "
                    + "(jdbc:postgresql://host:port/database), got '" + value + "'");
        }
        return url;
    }
}
