package io.apimeter.benchmark;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Options from command-line flags ({@code --name value} or {@code --name=value}). */
final class CommandLine {

    static final String USAGE = """
            Usage: java -jar pipeline-benchmark.jar [options]
              --events <n>            usage events to publish (default 2000000)
              --customers <n>         customers they are spread over (default 10000)
              --bootstrap <host:port> Kafka bootstrap servers (default 127.0.0.1:9092)
              --pg-url <jdbc url>     PostgreSQL server, without a database (default jdbc:postgresql://127.0.0.1:5432)
              --pg-user <user>        PostgreSQL user (default postgres)
              --pg-password <pw>      PostgreSQL password (default postgres, or PGPASSWORD)
              --timeout <time>        how long the groups may take to catch up after the first publish (default 30m)
              --lag-only              publish nothing: sample the groups' lag once a second for --duration
              --duration <time>       how long --lag-only samples (default 60s)
              --help                  print this and exit
            Times: 500ms, 20s, 2m, 1h, or plain seconds. Kafka and PostgreSQL must be on the loopback interface.
            Exit status: 0 all caught up and every count and sum matches; 1 a group did not catch up in time,
            a mismatch, or the broker refused events; 2 bad options.
            """;

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432";

    private static final Set<String> VALUED = Set.of("--events", "--customers", "--bootstrap", "--pg-url",
            "--pg-user", "--pg-password", "--timeout", "--duration");
    private static final Set<String> SWITCHES = Set.of("--lag-only");

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
     * Reads the flags; the password may also come from {@code PGPASSWORD}.
     *
     * @throws IllegalArgumentException on an unknown flag, a missing value or an invalid one
     */
    static Options parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            String name = equals >= 0 ? arg.substring(0, equals) : arg;
            if (SWITCHES.contains(name)) {
                String value = equals >= 0 ? arg.substring(equals + 1) : "true";
                values.put(name, Boolean.toString(parseBoolean(name, value)));
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
        long events = number("--events", values.getOrDefault("--events", "2000000"), 1, 1_000_000_000L);
        int customers = (int) number("--customers", values.getOrDefault("--customers", "10000"), 1, 10_000_000);
        if (customers > events) {
            throw new IllegalArgumentException("--customers (" + customers + ") must not exceed --events (" + events + ")");
        }
        String password = values.getOrDefault("--pg-password", env.getOrDefault("PGPASSWORD", "postgres"));
        return new Options(events, customers,
                bootstrap(values.getOrDefault("--bootstrap", DEFAULT_BOOTSTRAP)),
                pgUrl(values.getOrDefault("--pg-url", DEFAULT_PG_URL)),
                values.getOrDefault("--pg-user", "postgres"), password,
                duration("--timeout", values.getOrDefault("--timeout", "30m"), Duration.ofHours(12)),
                Boolean.parseBoolean(values.getOrDefault("--lag-only", "false")),
                duration("--duration", values.getOrDefault("--duration", "60s"), Duration.ofHours(12)),
                Options.GROUPS);
    }

    /** {@code 500ms}, {@code 20s}, {@code 2m}, {@code 1h} or plain seconds; more than 0, at most {@code max}. */
    static Duration duration(String name, String value, Duration max) {
        String text = value.trim().toLowerCase();
        Duration parsed;
        try {
            if (text.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            } else if (text.endsWith("m")) {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 60_000));
            } else if (text.endsWith("h")) {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 3_600_000));
            } else {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a time: '" + value + "' (e.g. 500ms, 20s, 2m)");
        }
        if (parsed.isNegative() || parsed.isZero() || parsed.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + ": must be more than 0 and at most " + max.toHours()
                    + " hours, got '" + value + "'");
        }
        return parsed;
    }

    /** Comma-separated {@code host:port} pairs, every host on this machine's loopback interface. */
    static String bootstrap(String value) {
        String text = value.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("--bootstrap must not be empty");
        }
        for (String server : text.split(",")) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1) {
                throw new IllegalArgumentException("--bootstrap: host:port expected, got '" + server + "'");
            }
            number("--bootstrap", server.substring(colon + 1), 1, 65_535);
            loopback("--bootstrap", server.substring(0, colon).trim());
        }
        return text;
    }

    /** {@code jdbc:postgresql://host[:port]} on the loopback interface, without a database; a trailing slash is dropped. */
    static String pgUrl(String value) {
        String text = value.trim().replaceAll("/+$", "");
        String prefix = "jdbc:postgresql://";
        if (!text.startsWith(prefix)) {
            throw new IllegalArgumentException("--pg-url: jdbc:postgresql://host:port expected, got '" + value + "'");
        }
        URI uri;
        try {
            uri = URI.create("postgresql://" + text.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--pg-url: not a URL: '" + value + "'");
        }
        if (uri.getHost() == null || !(uri.getPath() == null || uri.getPath().isEmpty()) || uri.getQuery() != null) {
            throw new IllegalArgumentException("--pg-url: host and port only, the databases are added, got '"
                    + value + "'");
        }
        loopback("--pg-url", uri.getHost());
        return text;
    }

    /** A benchmark loads this machine only: never a broker or database of someone else. */
    private static void loopback(String name, String host) {
        String h = host.toLowerCase();
        if (!(h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1"))) {
            throw new IllegalArgumentException(name + ": only the loopback interface (127.0.0.1) is allowed, got '"
                    + host + "'");
        }
    }

    private static long number(String name, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim().replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + ": must be " + min + " to " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + ": true or false, got '" + value + "'");
        };
    }
}
