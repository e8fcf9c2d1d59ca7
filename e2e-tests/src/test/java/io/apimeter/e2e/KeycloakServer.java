package io.apimeter.e2e;

import io.apimeter.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Keycloak (the distribution the build unpacks into {@code target/keycloak}; not the one of
 * {@code ./apimeter up}, whose database must survive) as a process on a free loopback port, in dev mode, with the realm
 * {@code apimeter} imported from {@code deploy/keycloak/apimeter-realm.json} into a fresh database. The console
 * client's redirect URIs name the console's port of the test instead of 8085.
 */
final class KeycloakServer implements AutoCloseable {
    static final String REALM = "apimeter";
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

    private final Path home;
    private final Path log;
    private final int port;
    private Process process;

    private KeycloakServer(Path home, Path log, int port) {
        this.home = home;
        this.log = log;
        this.port = port;
    }

    /** Starts Keycloak; it is ready after {@link #awaitReady(Duration)}. */
    static KeycloakServer start(Path root, int consolePort, Path logDir) {
        Path home = distribution(root);
        KeycloakServer server = new KeycloakServer(home, logDir.resolve("keycloak.log"), FreePorts.next());
        server.launch(root.resolve("deploy/keycloak/apimeter-realm.json"), consolePort);
        return server;
    }

    /** The issuer of the realm, for {@code OIDC_AUTH_SERVER_URL}. */
    String realmUrl() {
        return url() + "/realms/" + REALM;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String tokenUrl() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    Path log() {
        return log;
    }

    private void launch(Path realmFile, int consolePort) {
        Path java = java21();
        Path data = home.resolve("data");
        try {
            // a fresh database every run: --import-realm skips a realm that exists, and the console's port changes
            ServiceEnvironment.deleteQuietly(data.resolve("h2"));
            ServiceEnvironment.deleteQuietly(data.resolve("transaction-logs"));
            ServiceEnvironment.deleteQuietly(data.resolve("import"));
            Files.createDirectories(data.resolve("import"));
            String realm = Files.readString(realmFile, StandardCharsets.UTF_8)
                    .replace("http://127.0.0.1:8085", "http://127.0.0.1:" + consolePort)
                    .replace("http://localhost:8085", "http://localhost:" + consolePort);
            Files.writeString(data.resolve("import/apimeter-realm.json"), realm, StandardCharsets.UTF_8);
            Files.createDirectories(log.getParent());
            home.resolve("bin/kc.sh").toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Keycloak in " + home, e);
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--hostname=" + url(), "--import-realm"));
        builder.environment().put("JAVA_HOME", java.toString());
        builder.environment().remove("JAVA_OPTS");
        // lets its thread pools reset thread locals on Java 24+ (as ./apimeter up does)
        builder.environment().put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "e2e-keycloak-admin");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + home, e);
        }
    }

    /** Waits until the realm's discovery document answers (first start about 45 s: Keycloak builds itself once). */
    void awaitReady(Duration timeout) {
        ServiceProcess.awaitAnswering("Keycloak", process, log, URI.create(realmUrl() + "/.well-known/openid-configuration"),
                timeout, Duration.ofMillis(500));
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = process.descendants().toList(); // kc.sh runs Keycloak's java as its child
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : tree) {
                child.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The unpacked distribution: {@code apimeter.keycloak.home}, set by the build, which unpacks it there. */
    private static Path distribution(Path root) {
        String configured = System.getProperty("apimeter.keycloak.home");
        for (Path candidate : Stream.of(configured == null ? null : Path.of(configured),
                root.resolve("e2e-tests/target/keycloak/keycloak-26.5.6")).filter(p -> p != null).toList()) {
            if (Files.isRegularFile(candidate.resolve("bin/kc.sh"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Keycloak is not unpacked (looked in " + configured
                + "): run the test through Maven (./mvnw -pl e2e-tests verify), which unpacks"
                + " org.keycloak:keycloak-quarkus-dist into e2e-tests/target/keycloak");
    }

    /** A JDK 21 or newer for Keycloak: this JVM's if it is one, else the newest under /usr/lib/jvm. */
    static Path java21() {
        Path own = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= 21) {
            return own;
        }
        Optional<Path> newest;
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            newest = jdks.filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .filter(p -> major(p) >= 21)
                    .max(Comparator.comparingInt(KeycloakServer::major));
        } catch (IOException e) {
            newest = Optional.empty();
        }
        return newest.orElseThrow(() -> new IllegalStateException("Keycloak needs Java 21 or newer and none is under"
                + " /usr/lib/jvm (this JVM is " + Runtime.version().feature() + "): install one, e.g."
                + " apt-get install openjdk-21-jdk-headless (.ci/run does)"));
    }

    private static int major(Path jdk) {
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(jdk.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
