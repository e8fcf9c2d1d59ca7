package io.apimeter.compose;

import java.time.Instant;

/**
 * The check's figures on standard output, in deploy/compose-check's form: {@code [compose-check   42s] line}, the
 * seconds counted from COMPOSE_CHECK_STARTED (the script's start, epoch seconds) when it is set, else from the test's.
 * The script shows only these lines of the Maven output.
 */
final class Progress {
    private static final long STARTED = startedAt();

    private Progress() {
    }

    static void say(String format, Object... args) {
        String line = args.length == 0 ? format : String.format(format, args);
        System.out.printf("[compose-check %4ss] %s%n", Instant.now().getEpochSecond() - STARTED, line);
        System.out.flush();
    }

    private static long startedAt() {
        String given = System.getenv("COMPOSE_CHECK_STARTED");
        return given != null && given.matches("[0-9]+") ? Long.parseLong(given) : Instant.now().getEpochSecond();
    }
}
