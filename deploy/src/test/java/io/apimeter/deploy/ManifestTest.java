package io.apimeter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.deploy.ManifestChecks.Peer;
import io.apimeter.deploy.ManifestChecks.Workload;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in deploy/k8s: every document parsed into the Kubernetes or Strimzi model with no unknown
 * field, cross-checked against each other and against what the services read, and the deployment's design held.
 */
class ManifestTest {
    static final Path ROOT = Path.of(System.getProperty("apimeter.root", "..")).toAbsolutePath().normalize();
    static final String K8S = "deploy/k8s";
    static final Set<String> SERVICES = Set.of("gateway-service", "usage-recorder-service", "aggregation-service",
            "quota-service", "alert-service", "console-service");
    static final Set<String> INTERNAL_APIS = Set.of("usage-recorder-service", "aggregation-service",
            "quota-service", "alert-service");
    /** Prometheus as the Prometheus Operator labels it, in a namespace of its own. */
    static final Peer PROMETHEUS = Peer.elsewhere(Map.of("app.kubernetes.io/name", "prometheus"),
            Map.of("kubernetes.io/metadata.name", "monitoring"));
    /** Anything else: a client app, a browser through an ingress, another namespace's pod. */
    static final Peer ANYONE = Peer.elsewhere(Map.of(), Map.of("kubernetes.io/metadata.name", "elsewhere"));

    static Manifests manifests;
    static ManifestChecks checks;

    @BeforeAll
    static void load() {
        manifests = Manifests.load(ROOT, K8S);
        checks = new ManifestChecks(manifests, ROOT);
    }

    @Test
    void everyDocumentIsInTheKubernetesOrStrimziModelWithoutUnknownFields() {
        assertNoProblems(manifests.problems());
        assertTrue(manifests.documents().size() > 20, "read only " + manifests.documents().size() + " documents");
    }

    @Test
    void kustomizationListsEveryManifestButTheSecretTemplate() {
        assertNoProblems(checks.kustomization());
    }

    @Test
    void selectorsPortsAndTargetsResolve() {
        assertNoProblems(checks.selectors());
    }

    @Test
    void everyConfigMapAndSecretKeyReferencedExistsAndIsRead() {
        assertNoProblems(checks.configReferences());
    }

    @Test
    void containersSetOnlyVariablesTheirServiceReads() {
        assertNoProblems(checks.environment());
    }

    @Test
    void probesAskTheHealthEndpointsOnThePortTheServiceListensOn() {
        assertNoProblems(checks.probes());
    }

    @Test
    void everyWorkloadHasLimitsRunsLockedDownAndHasADisruptionBudget() {
        assertNoProblems(checks.hardening());
    }

    @Test
    void callsBetweenServicesReachTheirServiceThroughTheNetworkPolicies() {
        assertNoProblems(checks.serviceCalls());
    }

    @Test
    void everyServiceModuleIsDeployed() {
        assertEquals(SERVICES, checks.workloads().stream().map(Workload::name).collect(Collectors.toSet()));
    }

    @Test
    void onlyTheGatewayAndTheConsoleAcceptConnectionsFromOutside() {
        Set<String> open = new TreeSet<>();
        for (Workload workload : checks.workloads()) {
            if (checks.admits(ANYONE, workload, ManifestChecks.HTTP_PORT)) {
                open.add(workload.name());
            }
        }
        assertEquals(Set.of("gateway-service", "console-service"), open);
    }

    @Test
    void theInternalApisAcceptOnlyTheConsoleAndPrometheus() {
        Workload console = checks.workload("console-service").orElseThrow();
        Workload gateway = checks.workload("gateway-service").orElseThrow();
        for (String name : INTERNAL_APIS) {
            Workload api = checks.workload(name).orElseThrow();
            assertTrue(checks.admits(Peer.podOf(console), api, ManifestChecks.HTTP_PORT), "console -> " + name);
            assertTrue(checks.admits(PROMETHEUS, api, ManifestChecks.HTTP_PORT), "prometheus -> " + name);
            assertTrue(!checks.admits(Peer.podOf(gateway), api, ManifestChecks.HTTP_PORT), "gateway -> " + name);
            for (String other : INTERNAL_APIS) {
                Workload caller = checks.workload(other).orElseThrow();
                assertTrue(!checks.admits(Peer.podOf(caller), api, ManifestChecks.HTTP_PORT), other + " -> " + name);
            }
        }
        assertTrue(checks.admits(PROMETHEUS, gateway, ManifestChecks.HTTP_PORT), "prometheus -> gateway-service");
    }

    /**
     * Each gateway replica admits ceil(limit / GATEWAY_REPLICAS) requests per minute of a customer. At the autoscaler's
     * minimum the shares add up to the limit; above it quota-service's count corrects the overshoot within about a
     * second. A higher value would refuse below the limit whenever fewer replicas run.
     */
    @Test
    void gatewayReplicasIsTheAutoscalersMinimumAndTheAutoscalerOwnsTheCount() {
        HorizontalPodAutoscaler autoscaler = manifests.all(HorizontalPodAutoscaler.class).stream()
                .filter(h -> h.getSpec().getScaleTargetRef().getName().equals("gateway-service")).findFirst()
                .orElseThrow(() -> new AssertionError("no HorizontalPodAutoscaler scales gateway-service"));
        StatefulSet gateway = manifests.all(StatefulSet.class).stream()
                .filter(s -> s.getMetadata().getName().equals("gateway-service")).findFirst()
                .orElseThrow(() -> new AssertionError("no StatefulSet gateway-service"));
        String replicas = gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("GATEWAY_REPLICAS")).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("the gateway does not set GATEWAY_REPLICAS"));
        assertEquals(String.valueOf(autoscaler.getSpec().getMinReplicas()), replicas);
        assertNull(gateway.getSpec().getReplicas(),
                "spec.replicas of the gateway would be reset by every kubectl apply under the autoscaler");
    }

    @Test
    void kafkaTopicsAreStrimziV1AndUsageEventsHasTwelvePartitions() {
        List<KafkaTopic> topics = manifests.all(KafkaTopic.class);
        assertEquals(Set.of("usage-events", "usage-events-dlq", "alert-events", "alert-events-dlq", "quota-status",
                "customers", "customers-dlq"), topics.stream().map(t -> t.getMetadata().getName())
                .collect(Collectors.toSet()));
        topics.forEach(t -> assertEquals("kafka.strimzi.io/v1", t.getApiVersion(), t.getMetadata().getName()));
        assertEquals(12, topics.stream().filter(t -> t.getMetadata().getName().equals("usage-events")).findFirst()
                .orElseThrow().getSpec().getPartitions());
    }

    static void assertNoProblems(List<String> problems) {
        assertTrue(problems.isEmpty(), () -> problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
}
