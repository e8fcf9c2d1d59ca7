package io.apimeter.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Options from command-line flags ({@code --name value} or {@code --name=value}). */
final class CommandLine {

    static final String USAGE = """
            Usage: java -jar load-generator.jar --api-key <platform key> [options]
              --gateway <url>           OpenAI base URL of the gateway (default http://127.0.0.1:8080/openai/v1)
              --direct <url>            OpenAI base URL of the provider simulator (default http://127.0.0.1:8090/openai/v1)
              --api-key <key>           platform API key for the gateway (or LOADGEN_API_KEY); required
              --provider-key <key>      key sent on direct calls (default sk-load-generator)
              --model <id>              model of every request (default gpt-4)
              --rates <r1,r2,...>       fixed rates in requests/s, 'none' for none (default 500,1000)
              --duration <time>         measured time per rate, target and mode (default 20s)
              --warmup <time>           unmeasured load before each mode, split between targets (default 10s)
              --rounds <n>              direct/gateway alternations per rate (default 2)
              --stream <false|true|both> whole answers, streamed answers or both (default false)
              --connections <n>         connections to each target (default 64)
              --timeout <time>          a request unanswered this long is an error (default 10s)
              --max-pending <n>         requests waiting or in flight before due ones are dropped (default 10000)
              --max-rate-search         ramp the rate to find the gateway's throughput ceiling
              --search-start <rate>     first rate of the ramp (default 1000)
              --search-step <rate>      increase per ramp step (default 1000)
              --search-max <rate>       highest rate tried (default 20000)
              --search-duration <time>  measured time of one ramp step per target (default 10s)
              --search-refine <n>       halvings of the step after the first failed rate (default 2)
              --gateway-pid <pid>       the gateway's process, for its memory (PSS, RSS) and CPU from /proc
              --help                    print this and exit
            Times: 500ms, 20s, 2m, or plain seconds. Every target must be on the loopback interface.
            """;

    private static final Set<String> VALUED = Set.of("--gateway", "--direct", "--api-key", "--provider-key",
            "--model", "--rates", "--duration", "--warmup", "--rounds", "--stream", "--connections", "--timeout",
            "--max-pending", "--search-start", "--search-step", "--search-max", "--search-duration",
            "--search-refine", "--gateway-pid");
    private static final Set<String> SWITCHES = Set.of("--max-rate-search");

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
     * Reads the flags; the API key may also come from {@code LOADGEN_API_KEY} so it stays off the process list.
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
        String apiKey = values.getOrDefault("--api-key", env.get("LOADGEN_API_KEY"));
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("--api-key (or LOADGEN_API_KEY) is required: a platform API key of the gateway");
        }
        String providerKey = values.getOrDefault("--provider-key", "sk-load-generator");
        if (providerKey.isBlank()) {
            throw new IllegalArgumentException("--provider-key must not be blank");
        }
        String model = values.getOrDefault("--model", "gpt-4");
        if (model.isBlank() || model.contains("\"") || model.contains("\\")) {
            throw new IllegalArgumentException("--model: not a model id: '" + model + "'");
        }
        Duration duration = duration("--duration", values.getOrDefault("--duration", "20s"), false);
        Duration timeout = duration("--timeout", values.getOrDefault("--timeout", "10s"), false);
        long pid = number("--gateway-pid", values.getOrDefault("--gateway-pid", "0"), 0, Integer.MAX_VALUE);
        return new Options(
                loopback("--gateway", values.getOrDefault("--gateway", "http://127.0.0.1:8080/openai/v1")),
                loopback("--direct", values.getOrDefault("--direct", "http://127.0.0.1:8090/openai/v1")),
                apiKey.trim(), providerKey.trim(), model.trim(),
                rates(values.getOrDefault("--rates", "500,1000")),
                duration,
                duration("--warmup", values.getOrDefault("--warmup", "10s"), true),
                (int) number("--rounds", values.getOrDefault("--rounds", "2"), 1, 100),
                modes(values.getOrDefault("--stream", "false")),
                (int) number("--connections", values.getOrDefault("--connections", "64"), 1, 10_000),
                timeout,
                (int) number("--max-pending", values.getOrDefault("--max-pending", "10000"), 1, 1_000_000),
                Boolean.parseBoolean(values.getOrDefault("--max-rate-search", "false")),
                (int) number("--search-start", values.getOrDefault("--search-start", "1000"), 1, 1_000_000),
                (int) number("--search-step", values.getOrDefault("--search-step", "1000"), 1, 1_000_000),
                (int) number("--search-max", values.getOrDefault("--search-max", "20000"), 1, 1_000_000),
                duration("--search-duration", values.getOrDefault("--search-duration", "10s"), false),
                (int) number("--search-refine", values.getOrDefault("--search-refine", "2"), 0, 10),
                pid);
    }

    /** {@code 500ms}, {@code 20s}, {@code 2m} or plain seconds; at most an hour, so every run ends by itself. */
    static Duration duration(String name, String value, boolean zeroAllowed) {
        String text = value.trim().toLowerCase();
        Duration parsed;
        try {
            if (text.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            } else if (text.endsWith("m")) {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 60_000));
            } else {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a time: '" + value + "' (e.g. 500ms, 20s, 2m)");
        }
        if (parsed.isNegative() || (!zeroAllowed && parsed.isZero()) || parsed.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(name + ": must be " + (zeroAllowed ? "0" : "more than 0")
                    + " to 1 hour, got '" + value + "'");
        }
        return parsed;
    }

    static List<Integer> rates(String value) {
        String text = value.trim();
        if (text.equalsIgnoreCase("none") || text.isEmpty()) {
            return List.of();
        }
        List<Integer> rates = new ArrayList<>();
        for (String part : text.split(",")) {
            rates.add((int) number("--rates", part, 1, 1_000_000));
        }
        return rates;
    }

    private static List<Boolean> modes(String value) {
        return switch (value.trim().toLowerCase()) {
            case "false" -> List.of(false);
            case "true" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("--stream: false, true or both, got '" + value + "'");
        };
    }

    /** Load goes to this machine only: a benchmark must never hit a real provider or someone else's host. */
    private static URI loopback(String name, String value) {
        URI uri;
        try {
            uri = URI.create(value.trim().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": not a URL: '" + value + "'");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + ": an http:// URL is needed, got '" + value + "'");
        }
        String host = uri.getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("[::1]")) {
            throw new IllegalArgumentException(name + ": only the loopback interface (127.0.0.1) is allowed, got '"
                    + host + "'");
        }
        return uri;
    }

    private static long number(String name, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
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
