package io.apimeter.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A piece of the platform's infrastructure (the Kafka broker, PostgreSQL) as its own OS process, run from
 * {@code tools/local-platform} ({@code LocalKafka}, {@code LocalPostgres}) exactly as {@code ./apimeter up} runs it,
 * so that a test can kill it (SIGKILL), stop it (SIGTERM) and start it again on the same ports and data.
 * Each start prints a {@code READY ...} line once it accepts connections; the output goes to a log file.
 */
final class PlatformProcess implements AutoCloseable {
    private final String name;
    private final String mainClass;
    private final List<String> args;
    private final Path log;
    private final String classpath;
    private Process process;
    private long logOffset;

    PlatformProcess(Path root, String name, String mainClass, List<String> args, Path logDir) {
        Path target = root.resolve("tools/local-platform/target");
        Path jar = target.resolve("local-platform.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException(jar + " or its lib/ is missing: package tools/local-platform first"
                    + " (./mvnw verify does)");
        }
        this.name = name;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.log = logDir.resolve(name + ".log");
        this.classpath = jar + java.io.File.pathSeparator + target.resolve("lib") + java.io.File.separator + "*";
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** Starts the process; its output is appended to the log, and only what it prints from now on counts. */
    void start() {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-XX:+UseSerialGC", "-Xmx512m", "-cp", classpath,
                mainClass));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Files.createDirectories(log.getParent());
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until this start printed its {@code READY} line; fails at once if the process ended. */
    void awaitReady(Duration patience) {
        await(name + " ready").atMost(patience).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            return outputSinceStart().lines().anyMatch(l -> l.startsWith("READY "));
        });
    }

    /** Kills the process as a crash would (SIGKILL) and waits for it to be gone; returns its exit code. */
    int kill() {
        process.destroyForcibly();
        return waitForExit(Duration.ofSeconds(30));
    }

    /** Stops the process as an operator would (SIGTERM: it shuts its server down cleanly); returns its exit code. */
    int terminate(Duration patience) {
        process.destroy();
        int code = waitForExit(patience);
        if (code == -1) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
        }
        return code;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (isAlive()) {
            terminate(Duration.ofSeconds(60));
        }
    }

    private int waitForExit(Duration patience) {
        try {
            return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String outputSinceStart() throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logOffset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
