package io.apimeter.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.apimeter.testkit.EmbeddedPostgresServer;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.TestIdentityProvider;
import io.apimeter.testkit.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The environment the packaged services run with in these tests, as an operator would give it. */
final class ServiceEnvironment {
    private ServiceEnvironment() {
    }

    /** The repository root, where the packaged services are. */
    static Path root() {
        return Path.of(System.getProperty("apimeter.root", "..")).toAbsolutePath();
    }

    /** A real SMTP server on a free local port, started. */
    static GreenMail startSmtp() {
        return startSmtp(FreePorts.next());
    }

    /** A real SMTP server on the given local port, started: to bring one back where the services expect it. */
    static GreenMail startSmtp(int port) {
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return smtp;
    }

    /** What every service needs: the broker, the database login and the identity provider (the mock one). */
    static Map<String, String> common(String kafkaBootstrapServers) {
        return common(kafkaBootstrapServers, TestIdentityProvider.get().authServerUrl());
    }

    /**
     * What every service needs, trusting the given identity provider: a real Keycloak's realm URL (its issuer), whose
     * tokens carry the audience {@code apimeter-api} as the mock provider's do.
     */
    static Map<String, String> common(String kafkaBootstrapServers, String oidcAuthServerUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
        env.put("DB_USER", EmbeddedPostgresServer.USER);
        env.put("DB_PASSWORD", EmbeddedPostgresServer.PASSWORD);
        env.put("OIDC_AUTH_SERVER_URL", oidcAuthServerUrl);
        env.put("OIDC_AUDIENCE", TestTokens.AUDIENCE);
        return env;
    }

    /**
     * The console's: the realm (it logs people in with the confidential client apimeter-console, whose local secret is
     * in the realm file) and the five services it calls with the person's own token.
     */
    static Map<String, String> console(String oidcAuthServerUrl, Map<String, String> serviceUrls) {
        Map<String, String> env = new HashMap<>();
        env.put("OIDC_AUTH_SERVER_URL", oidcAuthServerUrl);
        env.put("OIDC_CONSOLE_SECRET", "apimeter-console-local-secret");
        env.put("GATEWAY_URL", serviceUrls.get("gateway-service"));
        env.put("RECORDER_URL", serviceUrls.get("usage-recorder-service"));
        env.put("AGGREGATION_URL", serviceUrls.get("aggregation-service"));
        env.put("QUOTA_URL", serviceUrls.get("quota-service"));
        env.put("ALERT_URL", serviceUrls.get("alert-service"));
        return env;
    }

    /** The common environment plus the service's own database. */
    static Map<String, String> service(Map<String, String> common, String dbUrl) {
        Map<String, String> env = new HashMap<>(common);
        env.put("DB_URL", dbUrl);
        return env;
    }

    /** The gateway's: its database, the simulator as OpenAI, fresh secrets and a spool of its own. */
    static Map<String, String> gateway(Map<String, String> common, String dbUrl, String openAiBaseUrl, Path spoolDir) {
        Map<String, String> env = service(common, dbUrl);
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        env.put("OPENAI_BASE_URL", openAiBaseUrl);
        env.put("APIMETER_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey));
        env.put("APIMETER_API_KEY_PEPPER", UUID.randomUUID().toString());
        env.put("GATEWAY_SPOOL_DIR", spoolDir.toString());
        return env;
    }

    /**
     * The environment plus tracing switched on as an operator does (docs/operations.md, "Tracing"): the SDK enabled,
     * spans to the OTLP/HTTP receiver at {@code endpoint}, exported every 200 ms rather than every 5 s.
     */
    static Map<String, String> traced(Map<String, String> env, String endpoint) {
        Map<String, String> traced = new HashMap<>(env);
        traced.put("OTEL_SDK_DISABLED", "false");
        traced.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        traced.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
        return traced;
    }

    /** alert-service's: its database, the SMTP server and the admins' address. */
    static Map<String, String> alert(Map<String, String> common, String dbUrl, int smtpPort, String adminEmail) {
        Map<String, String> env = service(common, dbUrl);
        env.put("MAIL_HOST", "127.0.0.1");
        env.put("MAIL_PORT", String.valueOf(smtpPort));
        env.put("ALERT_ADMIN_EMAILS", adminEmail);
        return env;
    }

    /** Deletes a directory of a test run with everything in it; a failure is only logged. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            java.util.logging.Logger.getLogger(ServiceEnvironment.class.getName())
                    .warning(() -> "cannot delete " + dir + ": " + e);
        }
    }

    /** Whether nothing listens on the local port any more. */
    static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
