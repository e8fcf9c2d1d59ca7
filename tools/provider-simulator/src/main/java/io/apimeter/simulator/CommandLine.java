package io.apimeter.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Options from command-line flags, falling back to {@code SIMULATOR_*} environment variables. */
final class CommandLine {

    /** The port used when neither {@code --port} nor {@code SIMULATOR_PORT} says otherwise. */
    static final int DEFAULT_PORT = 8090;

    static final String USAGE = """
            Usage: java -jar provider-simulator.jar [options]
              --host <address>       interface to bind (SIMULATOR_HOST, default 127.0.0.1)
              --port <port>          port, 0 for a free one (SIMULATOR_PORT, default 8090)
              --latency-ms <ms>      delay before every provider answer (SIMULATOR_LATENCY_MS, default 0)
              --chunk-delay-ms <ms>  pause between two chunks of a streamed answer (SIMULATOR_CHUNK_DELAY_MS, default 0)
              --error-rate <rate>    share of provider requests failed with a 500, 0.0 to 1.0 (SIMULATOR_ERROR_RATE, default 0)
              --seed <long>          seed of the error draws (SIMULATOR_SEED, default 1)
              --event-loops <n>      event loops serving requests (SIMULATOR_EVENT_LOOPS, default: one per core)
              --help                 print this and exit
            """;

    private static final Set<String> OPTIONS =
            Set.of("--host", "--port", "--latency-ms", "--chunk-delay-ms", "--error-rate", "--seed", "--event-loops");

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
     * Reads {@code --name value} or {@code --name=value} flags; a flag wins over its environment variable.
     *
     * @throws IllegalArgumentException on an unknown flag, a missing value or an invalid one
     */
    static SimulatorOptions parse(String[] args, Map<String, String> env) {
        SimulatorOptions options = SimulatorOptions.defaults().withPort(DEFAULT_PORT);
        options = apply(options, "--host", variable(env, "SIMULATOR_HOST"));
        options = apply(options, "--port", variable(env, "SIMULATOR_PORT"));
        options = apply(options, "--latency-ms", variable(env, "SIMULATOR_LATENCY_MS"));
        options = apply(options, "--chunk-delay-ms", variable(env, "SIMULATOR_CHUNK_DELAY_MS"));
        options = apply(options, "--error-rate", variable(env, "SIMULATOR_ERROR_RATE"));
        options = apply(options, "--seed", variable(env, "SIMULATOR_SEED"));
        options = apply(options, "--event-loops", variable(env, "SIMULATOR_EVENT_LOOPS"));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals >= 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else {
                name = arg;
                if (!OPTIONS.contains(name)) {
                    throw new IllegalArgumentException("unknown option " + name);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            options = apply(options, name, value);
        }
        return options;
    }

    /** A blank variable counts as unset, as compose files often pass {@code VAR=}. */
    private static String variable(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static SimulatorOptions apply(SimulatorOptions options, String name, String value) {
        if (!OPTIONS.contains(name)) {
            throw new IllegalArgumentException("unknown option " + name);
        }
        if (value == null) {
            return options;
        }
        String trimmed = value.trim();
        try {
            return switch (name) {
                case "--host" -> options.withHost(trimmed);
                case "--port" -> options.withPort(Integer.parseInt(trimmed));
                case "--latency-ms" -> options.withLatency(Duration.ofMillis(Long.parseLong(trimmed)));
                case "--chunk-delay-ms" -> options.withChunkDelay(Duration.ofMillis(Long.parseLong(trimmed)));
                case "--error-rate" -> options.withErrorRate(Double.parseDouble(trimmed));
                case "--seed" -> options.withSeed(Long.parseLong(trimmed));
                default -> options.withEventLoops(Integer.parseInt(trimmed));
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: '" + value + "'");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }
}
