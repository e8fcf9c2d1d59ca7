package io.apimeter.local;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String get(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    int port(String name, int defaultValue) {
        return Integer.parseInt(get(name, String.valueOf(defaultValue)));
    }

    /** Blocks the main thread until the process is asked to stop (SIGTERM, SIGINT). */
    static void awaitShutdown(AutoCloseable resource, String name) throws InterruptedException {
        Object lock = new Object();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(name + " stopping");
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println(name + " did not stop cleanly: " + e);
            }
            System.out.println(name + " stopped");
        }, name + "-shutdown"));
        synchronized (lock) {
            lock.wait();
        }
    }
}
