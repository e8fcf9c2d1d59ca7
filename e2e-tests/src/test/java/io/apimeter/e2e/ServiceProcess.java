package io.apimeter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One packaged service (its quarkus-run.jar) running as a separate process, its output in a log file. */
final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final Path log;
    private final int port;
    private final Map<String, String> env;
    private Process process;
    /** The process of this JVM that writes an archive at its exit: one writer per archive at a time. */
    private static final Map<Path, Process> ARCHIVING = new java.util.concurrent.ConcurrentHashMap<>();

    ServiceProcess(Path root, String name, int port, Map<String, String> env, Path logDir) {
        this(root, name, name, port, env, logDir);
    }

    /** One of several replicas of a service: {@code instance} names it in its log file and in messages. */
    ServiceProcess(Path root, String service, String instance, int port, Map<String, String> env, Path logDir) {
        this.name = instance;
        this.jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        this.log = logDir.resolve(instance + ".log");
        this.port = port;
        this.env = env;
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw verify does)");
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String name() {
        return name;
    }

    void start() {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-XX:+UseSerialGC", "-Xmx256m"));
        Path archive = archive();
        boolean archiving = false;
        if (archive != null && Files.isRegularFile(archive)) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        } else if (archive != null) {
            Process writer = ARCHIVING.get(archive);
            archiving = writer == null || !writer.isAlive(); // none yet, or it was killed before it could write
            if (archiving) {
                command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off"));
            }
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        if (archiving) {
            ARCHIVING.put(archive, process);
        }
    }

    /**
     * The JVM's class data sharing, for a faster start on these 2 cores: the first process of a service in this
     * build writes the classes it loaded to this archive when it exits (a stop, not a kill), and every later process
     * of the service maps them instead of loading them again. Named after the jar's time, so a rebuilt service starts
     * without it until a new one is written; the JVM ignores an archive it cannot use.
     */
    private Path archive() {
        try {
            return jar.resolveSibling("e2e-classes-" + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until the service's readiness check answers UP. */
    void awaitReady(Duration timeout) {
        awaitAnswering(name, process, log, URI.create(url() + "/q/health/ready"), timeout, Duration.ofMillis(250));
    }

    /**
     * Waits until {@code uri} answers 200, asking every {@code every}; fails at once, naming the log, if the process
     * exits meanwhile, and after {@code timeout} if it never answers.
     */
    static void awaitAnswering(String name, Process process, Path log, URI uri, Duration timeout, Duration every) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
    }

    /** Stops the service as an operator would (SIGTERM), waiting for a clean shutdown. */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the service as a crash would (SIGKILL): no clean shutdown, no last offset commit. */
    void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the service with SIGTERM and waits for it to exit, as an orchestrator does on a rolling restart:
     * unlike {@link #stop()} it never falls back to SIGKILL within {@code patience}, so a slow clean shutdown
     * shows. Returns the exit code, or -1 when the process was still running after {@code patience} (it is then
     * killed, so that it cannot linger).
     */
    int terminate(Duration patience) {
        if (process == null || !process.isAlive()) {
            return process == null ? -1 : process.exitValue();
        }
        process.destroy();
        try {
            if (process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Whether the current process of the service runs. */
    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code of the last process, which must have ended. */
    int exitValue() {
        return process.exitValue();
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        stop();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
