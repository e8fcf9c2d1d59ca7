package io.apimeter.compose;

import static io.apimeter.compose.Progress.say;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * docker-compose.yml as one compose project, through Testcontainers' compose support with the local docker-compose
 * binary (compose v1: containers are named {@code <project>_<service>_<number>}), plus what the check does to the
 * engine besides: scaling a service, killing a replica, reading containers' states and logs.
 *
 * <p>Testcontainers names the project {@value #PROJECT_PREFIX} and 6 random characters. Every project with that
 * prefix is this check's: one left by a run that was killed is removed before the start (its ports would collide).
 */
final class ComposeStack implements AutoCloseable {
    static final String PROJECT_PREFIX = "apimeter-check-";
    /** Every service of docker-compose.yml; each has a healthcheck. */
    static final List<String> SERVICES = List.of("postgres", "kafka", "keycloak", "mail", "simulator",
            "gateway-service", "usage-recorder-service", "aggregation-service", "quota-service", "alert-service",
            "console-service");
    private static final String PROJECT_LABEL = "com.docker.compose.project";
    private static final String SERVICE_LABEL = "com.docker.compose.service";
    private static final String NUMBER_LABEL = "com.docker.compose.container-number";
    /** The legacy builder: Debian's engine has no buildx. */
    private static final Map<String, String> BUILD_ENV = Map.of("DOCKER_BUILDKIT", "0", "COMPOSE_DOCKER_CLI_BUILD", "0");
    /** Keycloak alone takes about 150 s to become healthy on 2 cores (it imports the realm). */
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(10);

    private final Path root;
    private final Path work;
    private final Path composeFile;
    private final Path envFile;
    private final DockerComposeContainer<?> compose;
    private final DockerClient docker = DockerClientFactory.instance().client();
    private String project;

    /**
     * @param root the repository: docker-compose.yml, and the packaged applications the images copy
     * @param work where the run's env file, the output of scaling and the containers' logs go
     */
    ComposeStack(Path root, Path work) throws IOException {
        this.root = root;
        this.work = work;
        this.composeFile = root.resolve("docker-compose.yml");
        this.envFile = work.resolve("compose.env");
        Files.createDirectories(work);
        Map<String, String> env = composeEnv();
        writeEnvFile(env);
        DockerComposeContainer<?> stack = new DockerComposeContainer<>(PROJECT_PREFIX, composeFile.toFile())
                .withEnv(env)
                .withEnv(BUILD_ENV)
                .withBuild(true)           // up --build: every image from this repository
                .withPull(false)           // nothing to pull: the base images are given (JRE_IMAGE, DEBIAN_IMAGE)
                .withRemoveVolumes(true)   // down -v
                .withStartupTimeout(HEALTHY_WITHIN.plusMinutes(5));
        for (String service : SERVICES) {
            stack = stack.waitingFor(service, Wait.forHealthcheck().withStartupTimeout(HEALTHY_WITHIN));
        }
        this.compose = stack;
    }

    /** Builds the images, runs {@code up}, and returns once every container is healthy. */
    void start() {
        removeLeftovers();
        say("building the images and up (docker-compose %s, project %s*)", composeVersion(), PROJECT_PREFIX);
        try {
            compose.start();
        } catch (RuntimeException e) {
            say("up failed: %s; not healthy:%s", e.getMessage(), pending());
            throw e;
        }
        List<Container> containers = containers();
        project = containers.get(0).getLabels().get(PROJECT_LABEL);
        say("all %d containers healthy (project %s):", containers.size(), project);
        containers.stream().sorted(Comparator.comparing(ComposeStack::name))
                .forEach(c -> say("    %s: %s", name(c), c.getStatus()));
    }

    /**
     * Runs {@code up -d --no-recreate --scale service=replicas service} with docker-compose itself: Testcontainers
     * scales only at the start. The running replica keeps its container and port; the new ones take ports of the
     * range (e.g. RECORDER_PORTS=18081-18082).
     */
    void scale(String service, int replicas, String portsVariable, String ports) throws IOException, InterruptedException {
        Path log = work.resolve("scale.log");
        ProcessBuilder command = new ProcessBuilder("docker-compose", "-p", project, "-f", composeFile.toString(),
                "--env-file", envFile.toString(), "up", "-d", "--no-recreate", "--scale", service + "=" + replicas, service)
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        command.environment().putAll(BUILD_ENV);
        command.environment().put(portsVariable, ports);
        Process process = command.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("scaling " + service + " took more than 5 minutes; see " + log);
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new AssertionError("scaling failed: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        }
    }

    /** Waits until every container of the project is running and healthy; names those that are not. */
    void awaitHealthy(Duration patience) {
        await("every container of " + project + " running and healthy").atMost(patience)
                .pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> assertEquals("", pending(), "not healthy:"));
    }

    /** The container of a service's replica (compose numbers them from 1), e.g. apimeter-check-x1y2z3_usage-recorder-service_2. */
    String replica(String service, int number) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(PROJECT_LABEL, project, SERVICE_LABEL, service, NUMBER_LABEL, String.valueOf(number)))
                .exec().stream().map(ComposeStack::name).findFirst()
                .orElseThrow(() -> new AssertionError("no replica " + number + " of " + service + " in " + project));
    }

    /** The container's addresses on the project's networks (a consumer group names its members by address). */
    java.util.Set<String> addresses(String container) {
        return docker.inspectContainerCmd(container).exec().getNetworkSettings().getNetworks().values().stream()
                .map(com.github.dockerjava.api.model.ContainerNetwork::getIpAddress)
                .collect(java.util.stream.Collectors.toSet());
    }

    void kill(String container) {
        docker.killContainerCmd(container).withSignal("KILL").exec();
    }

    InspectContainerResponse.ContainerState state(String container) {
        return docker.inspectContainerCmd(container).exec().getState();
    }

    /** Keeps every container's log under work/logs (this run's only), then {@code down -v}, and says whether anything was left. */
    @Override
    public void close() {
        saveLogs();
        compose.stop();
        List<String> left = new ArrayList<>(containers().stream().map(ComposeStack::name).toList());
        networks().forEach(network -> left.add("network " + network.getName()));
        volumes().forEach(volume -> left.add("volume " + volume));
        if (left.isEmpty()) {
            say("down -v: containers, network and volumes removed");
        } else {
            say("down -v left: %s", left);
        }
    }

    /** Random secrets for the run (never printed), the admin address of the alerts, the base images. */
    private static Map<String, String> composeEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("POSTGRES_PASSWORD", secret());
        env.put("KEYCLOAK_ADMIN_PASSWORD", secret());
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        env.put("APIMETER_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey));
        env.put("APIMETER_API_KEY_PEPPER", secret());
        env.put("ALERT_WEBHOOK_SIGNING_KEY", secret());
        env.put("APIMETER_CONSOLE_SECRET", "apimeter-console-local-secret"); // the imported demo realm's
        env.put("ALERT_ADMIN_EMAILS", "ops@apimeter.test");
        env.put("JRE_IMAGE", setting("JRE_IMAGE", "eclipse-temurin:21-jre"));
        env.put("DEBIAN_IMAGE", setting("DEBIAN_IMAGE", "debian:trixie-slim"));
        return env;
    }

    private static String secret() {
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            secret.append(letters.charAt(random.nextInt(letters.length())));
        }
        return secret.toString();
    }

    /** A system property, else the environment variable of the same name, else the default. */
    private static String setting(String name, String otherwise) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? otherwise : value;
    }

    /** The same values as a file, readable by its owner only, for the docker-compose commands run outside Testcontainers. */
    private void writeEnvFile(Map<String, String> env) throws IOException {
        Files.deleteIfExists(envFile);
        Files.createFile(envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(envFile, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                .collect(Collectors.joining()));
    }

    /** The containers of this check's project: every project named with the prefix (leftovers are gone by then). */
    private List<Container> containers() {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(PROJECT_LABEL)).exec().stream()
                .filter(c -> c.getLabels().getOrDefault(PROJECT_LABEL, "").startsWith(PROJECT_PREFIX))
                .collect(Collectors.toList());
    }

    private List<Network> networks() {
        return docker.listNetworksCmd().withFilter("label", List.of(PROJECT_LABEL)).exec().stream()
                .filter(n -> n.getLabels() != null && n.getLabels().getOrDefault(PROJECT_LABEL, "").startsWith(PROJECT_PREFIX))
                .collect(Collectors.toList());
    }

    /** The names of the volumes of this check's project (compose labels them). */
    private List<String> volumes() {
        var volumes = docker.listVolumesCmd().withFilter("label", List.of(PROJECT_LABEL)).exec().getVolumes();
        return volumes == null ? List.of() : volumes.stream()
                .filter(v -> v.getLabels() != null && v.getLabels().getOrDefault(PROJECT_LABEL, "").startsWith(PROJECT_PREFIX))
                .map(v -> v.getName()).collect(Collectors.toList());
    }

    /** The containers that are not running and healthy, each with its state, e.g. " x_keycloak_1(running/starting)". */
    private String pending() {
        StringBuilder pending = new StringBuilder();
        for (Container container : containers()) {
            InspectContainerResponse.ContainerState state = state(container.getId());
            String health = state.getHealth() == null ? "none" : state.getHealth().getStatus();
            String both = state.getStatus() + "/" + health;
            if (!both.equals("running/healthy")) {
                pending.append(' ').append(name(container)).append('(').append(both).append(')');
            }
        }
        return pending.toString();
    }

    /** Removes what an earlier run of the check left: containers, networks and volumes of projects with the prefix. */
    private void removeLeftovers() {
        List<Container> containers = containers();
        List<Network> networks = networks();
        List<String> volumes = volumes();
        if (containers.isEmpty() && networks.isEmpty() && volumes.isEmpty()) {
            return;
        }
        say("removing what an earlier run left (projects %s*): containers %d, networks %d, volumes %d",
                PROJECT_PREFIX, containers.size(), networks.size(), volumes.size());
        containers.forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec());
        networks.forEach(network -> docker.removeNetworkCmd(network.getId()).exec());
        volumes.forEach(volume -> docker.removeVolumeCmd(volume).exec());
    }

    private void saveLogs() {
        Path logs = work.resolve("logs");
        try {
            Files.createDirectories(logs);
            try (var earlier = Files.list(logs)) { // an earlier run's, of another project
                for (Path log : earlier.toList()) {
                    Files.delete(log);
                }
            }
            for (Container container : containers()) {
                String name = name(container);
                new ProcessBuilder("docker", "logs", name).redirectErrorStream(true)
                        .redirectOutput(logs.resolve(name + ".log").toFile()).start().waitFor(1, TimeUnit.MINUTES);
            }
            say("the containers' logs are in %s", logs);
        } catch (IOException e) {
            say("could not keep the containers' logs: %s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String composeVersion() {
        try {
            Process version = new ProcessBuilder("docker-compose", "version", "--short").redirectErrorStream(true).start();
            String answer = new String(version.getInputStream().readAllBytes()).trim();
            version.waitFor(30, TimeUnit.SECONDS);
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("docker-compose (1.29, compose v1) is not on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String name(Container container) {
        return container.getNames()[0].replaceFirst("^/", "");
    }
}
