package io.apimeter.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one service module reads from its environment, from its {@code src/main/resources/application.properties}:
 * the variables its values name ({@code ${DB_URL:...}}, {@code ${APIMETER_MASTER_KEY}}), and the environment form of
 * each property it sets (MicroProfile Config: upper case, every other character {@code _}), which overrides that
 * property, e.g. {@code QUARKUS_HTTP_PORT} for {@code quarkus.http.port}.
 */
final class ServiceSettings {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(:|})");

    /**
     * Variables a service reads that its application.properties cannot show: the environment form of Quarkus
     * properties the service does not set itself (they keep their extension's default), and the image's own. Kept
     * small and by hand, each with its reason; every other name must come from the service's file, so that a
     * misspelt name, which nothing would read, fails the test. Key "*": every service.
     */
    static final Map<String, Set<String>> STANDARD_NAMES = Map.of(
            "*", Set.of(
                    // read by the image's entrypoint (deploy/docker/service.Dockerfile), not by Quarkus
                    "JAVA_OPTS",
                    // quarkus.http.host; the image sets it to 0.0.0.0
                    "QUARKUS_HTTP_HOST",
                    // quarkus.log.level, the root log level of every Quarkus application
                    "QUARKUS_LOG_LEVEL"),
            "alert-service", Set.of(
                    // quarkus.mailer.username / password: a real mail relay's login (docs/operations.md)
                    "QUARKUS_MAILER_USERNAME", "QUARKUS_MAILER_PASSWORD"),
            "console-service", Set.of(
                    // quarkus.http.proxy.*: behind an ingress that terminates TLS, so that the login redirect goes
                    // back to https (deploy/README.md)
                    "QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING", "QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED"));

    private final String module;
    private final Properties properties;
    private final Set<String> referenced = new TreeSet<>();
    private final Set<String> required = new TreeSet<>();
    private final Set<String> overrides = new TreeSet<>();

    private ServiceSettings(String module, Properties properties) {
        this.module = module;
        this.properties = properties;
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key);
            Matcher matcher = REFERENCE.matcher(value);
            while (matcher.find()) {
                referenced.add(matcher.group(1));
                // a variable without a default, in the production profile: the service does not start without it
                if (matcher.group(2).equals("}") && !key.startsWith("%")) {
                    required.add(matcher.group(1));
                }
            }
            if (!key.startsWith("%")) {
                overrides.add(envName(key));
            }
        }
    }

    /** The settings of module {@code module} of the repository at {@code root}; empty when there is no such module. */
    static Optional<ServiceSettings> of(Path root, String module) {
        Path file = root.resolve(module).resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(new ServiceSettings(module, properties));
    }

    /** MicroProfile Config's environment form of a property name. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    String module() {
        return module;
    }

    /** Whether the service reads environment variable {@code name}. */
    boolean reads(String name) {
        return referenced.contains(name) || overrides.contains(name)
                || STANDARD_NAMES.get("*").contains(name)
                || STANDARD_NAMES.getOrDefault(module, Set.of()).contains(name);
    }

    /** The variables without which the service does not start (named without a default). */
    Set<String> required() {
        return required;
    }

    /** A property's value as the file has it, without profile; empty when the file does not set it. */
    Optional<String> property(String key) {
        return Optional.ofNullable(properties.getProperty(key));
    }
}
