package io.apimeter.readbenchmark;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Options from command-line flags ({@code --name value} or {@code --name=value}). */
final class CommandLine {

    static final String USAGE = """
            Usage: java -jar read-benchmark.jar [options]
            Times the read APIs of the running local platform over HTTP: the call log's pages, its CSV export and
            the monthly summaries; prints p50, p99 and max latencies as the client sees them.
              --recorder-url <url>      usage-recorder-service (default http://127.0.0.1:8081)
              --aggregation-url <url>   aggregation-service (default http://127.0.0.1:8082)
              --token-url <url>         token endpoint (default
                                        http://127.0.0.1:8180/realms/apimeter/protocol/openid-connect/token)
              --client-id <id>          client of the client-credentials grant (default apimeter-automation)
              --client-secret <s>       its secret (default APIMETER_AUTOMATION_SECRET, else the local default)
              --month <YYYY-MM>         month of the summaries; discovery reads it and the one before
                                        (default the current UTC month)
              --window-from <t>         start of the window ranges, deep cursors and the export month are picked in
                                        (default the start of the month two months before --month)
              --window-to <t>           its end, exclusive (default now, or the end of --month if that is earlier)
              --requests <n>            measured requests per call-log shape (default 200)
              --warmup <n>              requests before them, not counted; also before each summary kind (default 20)
              --seed <n>                seed of every random draw (default 1)
              --limit <n>               call-log page size, 1 to 500 (default 50)
              --concurrency <n>         requests at once, 1 to 64 (default 1: one after the other)
              --export-runs <n>         exports of the biggest customer's busiest month (default 2)
              --summary-requests <n>    measured requests of each summary kind (default 200)
              --recorder-pid <pid>      sample this process's RSS (/proc/<pid>/status) during the exports
              --skip-logs               leave out the call-log pages
              --skip-export             leave out the export
              --skip-summaries          leave out the summaries
              --help                    print this and exit
            Times <t>: a date (2026-04-01, its midnight UTC) or an instant with its offset (2026-04-01T00:00:00Z).
            The services and the token endpoint must be on the loopback interface.
            Exit status: 0 every request answered 200; 1 a request did not, or the platform could not be reached;
            2 bad options.
            """;

    static final String DEFAULT_RECORDER_URL = "http://127.0.0.1:8081";
    static final String DEFAULT_AGGREGATION_URL = "http://127.0.0.1:8082";
    static final String DEFAULT_TOKEN_URL = "http://127.0.0.1:8180/realms/apimeter/protocol/openid-connect/token";
    static final String DEFAULT_CLIENT_ID = "apimeter-automation";
    static final String SECRET_ENV = "APIMETER_AUTOMATION_SECRET";
    /** The realm file's LOCAL-ONLY secret of apimeter-automation (deploy/keycloak/apimeter-realm.json). */
    static final String LOCAL_SECRET = "apimeter-automation-local-secret";

    private static final Set<String> VALUED = Set.of("--recorder-url", "--aggregation-url", "--token-url",
            "--client-id", "--client-secret", "--month", "--window-from", "--window-to", "--requests", "--warmup",
            "--seed", "--limit", "--concurrency", "--export-runs", "--summary-requests", "--recorder-pid");
    private static final Set<String> SWITCHES = Set.of("--skip-logs", "--skip-export", "--skip-summaries");
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    /** Linux's highest possible process id (pid_max of 64-bit kernels). */
    private static final long MAX_PID = 4_194_304L;

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
     * Reads the flags; the secret may also come from {@code APIMETER_AUTOMATION_SECRET}, which keeps it off the
     * process list.
     *
     * @param now the current time: the default month and the end of the default window
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
            if (values.containsKey(name)) {
                throw new IllegalArgumentException(name + " is given twice");
            }
            if (SWITCHES.contains(name)) {
                if (equals >= 0) {
                    throw new IllegalArgumentException(name + " takes no value");
                }
                values.put(name, "true");
                continue;
            }
            if (!VALUED.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (equals >= 0) {
                values.put(name, arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
        }
        Instant current = now.get().truncatedTo(ChronoUnit.SECONDS);
        YearMonth month = values.containsKey("--month") ? month(values.get("--month"))
                : YearMonth.from(current.atOffset(ZoneOffset.UTC));
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant windowFrom = values.containsKey("--window-from") ? instant("--window-from", values.get("--window-from"))
                : month.minusMonths(2).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant windowTo = values.containsKey("--window-to") ? instant("--window-to", values.get("--window-to"))
                : (current.isBefore(monthEnd) ? current : monthEnd);
        if (!windowFrom.isBefore(windowTo)) {
            throw new IllegalArgumentException("--window-from (" + windowFrom + ") must be before --window-to ("
                    + windowTo + ")");
        }
        String secret;
        String secretSource;
        if (values.containsKey("--client-secret")) {
            secret = values.get("--client-secret");
            secretSource = "--client-secret";
        } else if (env.get(SECRET_ENV) != null && !env.get(SECRET_ENV).isEmpty()) {
            secret = env.get(SECRET_ENV);
            secretSource = SECRET_ENV;
        } else {
            secret = LOCAL_SECRET;
            secretSource = "the local default";
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("--client-secret must not be empty");
        }
        String clientId = values.getOrDefault("--client-id", DEFAULT_CLIENT_ID).trim();
        if (clientId.isEmpty()) {
            throw new IllegalArgumentException("--client-id must not be empty");
        }
        return new Options(
                url("--recorder-url", values.getOrDefault("--recorder-url", DEFAULT_RECORDER_URL)),
                url("--aggregation-url", values.getOrDefault("--aggregation-url", DEFAULT_AGGREGATION_URL)),
                url("--token-url", values.getOrDefault("--token-url", DEFAULT_TOKEN_URL)),
                clientId, secret, secretSource, month, windowFrom, windowTo,
                (int) number("--requests", values.get("--requests"), 200, 1, 1_000_000),
                (int) number("--warmup", values.get("--warmup"), 20, 0, 1_000_000),
                number("--seed", values.get("--seed"), 1, Long.MIN_VALUE, Long.MAX_VALUE),
                (int) number("--limit", values.get("--limit"), 50, 1, 500),
                (int) number("--concurrency", values.get("--concurrency"), 1, 1, 64),
                (int) number("--export-runs", values.get("--export-runs"), 2, 1, 100),
                (int) number("--summary-requests", values.get("--summary-requests"), 200, 1, 1_000_000),
                values.containsKey("--recorder-pid") ? number("--recorder-pid", values.get("--recorder-pid"), 0, 1,
                        MAX_PID) : 0,
                values.containsKey("--skip-logs"), values.containsKey("--skip-export"),
                values.containsKey("--skip-summaries"));
    }

    /** A whole number; {@code _} and {@code ,} between digits are allowed ({@code 1_000}). */
    static long number(String name, String value, long fallback, long min, long max) {
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim().replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a whole number: '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + ": must be " + min + " to " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static YearMonth month(String value) {
        try {
            YearMonth month = YearMonth.parse(value.trim());
            if (month.getYear() < 2000 || month.getYear() > 2099) {
                throw new IllegalArgumentException("--month: must be in the years 2000 to 2099, got '" + value + "'");
            }
            return month;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--month: YYYY-MM expected, got '" + value + "'");
        }
    }

    /** An instant with its offset ({@code 2026-04-01T00:00:00Z}) or a date, meaning its start in UTC. */
    static Instant instant(String name, String value) {
        String text = value.trim();
        Instant parsed;
        try {
            parsed = text.length() == 10 ? LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": not a date (2026-04-01) or an instant with its offset "
                    + "(2026-04-01T00:00:00Z): '" + value + "'");
        }
        if (parsed.isBefore(EARLIEST) || !parsed.isBefore(LATEST)) {
            throw new IllegalArgumentException(name + ": must be in the years 2000 to 2099, got " + parsed);
        }
        return parsed;
    }

    /**
     * An http(s) URL on the loopback interface, a trailing slash dropped. A benchmark loads this machine only, and
     * the token (and the secret, at the token endpoint) go nowhere else.
     */
    static URI url(String name, String value) {
        String text = value.trim().replaceAll("/+$", "");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + ": not a URL: '" + value + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + ": http://host:port expected, got '" + value + "'");
        }
        if (uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException(name + ": no query, fragment or user in the URL, got '" + value + "'");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"))) {
            throw new IllegalArgumentException(name + ": only the loopback interface (127.0.0.1) is allowed, got '"
                    + uri.getHost() + "'");
        }
        return uri;
    }
}
