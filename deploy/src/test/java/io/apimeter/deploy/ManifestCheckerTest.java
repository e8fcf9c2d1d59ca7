package io.apimeter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks of {@link ManifestTest} on manifests with one mistake each: each mistake is found and named. */
class ManifestCheckerTest {
    private static final String FILE = "deploy/k8s/broken.yaml";

    /** A gateway Deployment sound in every respect the checks look at; each test breaks one thing. */
    private static final String GATEWAY = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: gateway-service }
            spec:
              selector: { matchLabels: { app.kubernetes.io/name: gateway-service } }
              template:
                metadata: { labels: { app.kubernetes.io/name: gateway-service } }
                spec:
                  containers:
                    - name: gateway-service
                      image: apimeter/gateway-service:0.1.0
                      ports: [{ name: http, containerPort: 8080 }]
                      env:
                        - { name: APIMETER_MASTER_KEY, valueFrom: { secretKeyRef: { name: apimeter, key: APIMETER_MASTER_KEY } } }
                        - { name: APIMETER_API_KEY_PEPPER, valueFrom: { secretKeyRef: { name: apimeter, key: APIMETER_API_KEY_PEPPER } } }
                        - { name: GATEWAY_REPLICAS, value: "2" }
                      readinessProbe:
                        httpGet: { path: /q/health/ready, port: http }
            ---
            apiVersion: v1
            kind: Secret
            metadata: { name: apimeter }
            stringData: { APIMETER_MASTER_KEY: x, APIMETER_API_KEY_PEPPER: y }
            """;

    @Test
    void shouldFindNothingWrongWithTheSoundManifest() {
        Manifests manifests = Manifests.parse(FILE, GATEWAY);
        ManifestChecks checks = new ManifestChecks(manifests, ManifestTest.ROOT);
        assertEquals(List.of(), manifests.problems());
        assertEquals(List.of(), checks.environment());
        assertEquals(List.of(), checks.configReferences());
    }

    @Test
    void shouldNameFileKindNameAndPathOfAMisspeltField() {
        Manifests manifests = Manifests.parse(FILE, GATEWAY.replace("containerPort: 8080", "containerPrt: 8080"));

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: unknown field"
                + " spec.template.spec.containers[0].ports[0].containerPrt"), manifests.problems());
    }

    @Test
    void shouldFindAMisspeltProbe() {
        Manifests manifests = Manifests.parse(FILE, GATEWAY.replace("readinessProbe:", "readinesProbe:"));

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: unknown field"
                + " spec.template.spec.containers[0].readinesProbe"), manifests.problems());
    }

    @Test
    void shouldFindAMisspeltFieldOfAStrimziTopic() {
        Manifests manifests = Manifests.parse(FILE, """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: { name: usage-events, labels: { strimzi.io/cluster: apimeter } }
                spec: { partitons: 12, replicas: 3 }
                """);

        assertEquals(List.of("deploy/k8s/broken.yaml: KafkaTopic usage-events: unknown field spec.partitons"),
                manifests.problems());
    }

    @Test
    void shouldRefuseAKindNeitherModelHas() {
        Manifests manifests = Manifests.parse(FILE, """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopik
                metadata: { name: usage-events }
                """);

        assertEquals(List.of("deploy/k8s/broken.yaml document 1: apiVersion kafka.strimzi.io/v1 kind KafkaTopik is in"
                + " neither the Kubernetes model nor the Strimzi model (kafka.strimzi.io/v1): misspelt, or a version"
                + " this check does not know"), manifests.problems());
    }

    @Test
    void shouldRefuseANumberWhereKubernetesWantsAString() {
        Manifests manifests = Manifests.parse(FILE, """
                apiVersion: v1
                kind: ConfigMap
                metadata: { name: apimeter }
                data: { MAIL_PORT: 25 }
                """);

        assertEquals(1, manifests.problems().size(), manifests.problems()::toString);
        assertTrue(manifests.problems().get(0).startsWith(
                "deploy/k8s/broken.yaml document 1 (ConfigMap apimeter): cannot read data.MAIL_PORT: "),
                manifests.problems().get(0));
    }

    @Test
    void shouldFindAMisspeltKustomizationField() {
        Manifests manifests = Manifests.parse("deploy/k8s/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resurces: [gateway.yaml]
                """);

        assertEquals(List.of("deploy/k8s/kustomization.yaml: Kustomization: unknown field resurces (this check knows"
                + " apiVersion, kind, resources; add what you need to Manifests.Kustomization)"), manifests.problems());
    }

    @Test
    void shouldFindAVariableTheServiceDoesNotRead() {
        ManifestChecks checks = checks(GATEWAY.replace("name: GATEWAY_REPLICAS", "name: GATEWAY_REPLICA"));

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: sets"
                + " GATEWAY_REPLICA, which gateway-service does not read (not named in"
                + " gateway-service/src/main/resources/application.properties, not the environment form of a property"
                + " there, not in ServiceSettings.STANDARD_NAMES)"), checks.environment());
    }

    @Test
    void shouldCountEveryKeyEnvFromBringsInAsSet() {
        ManifestChecks checks = checks(GATEWAY.replace("          env:\n",
                "          envFrom: [{ configMapRef: { name: apimeter } }]\n          env:\n") + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: { name: apimeter }
                data: { KAFKA_BOOTSTRAP_SERVERS: "kafka:9092", MAIL_HOST: smtp.example.com }
                """);

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: sets"
                + " MAIL_HOST, which gateway-service does not read (not named in"
                + " gateway-service/src/main/resources/application.properties, not the environment form of a property"
                + " there, not in ServiceSettings.STANDARD_NAMES)"), checks.environment());
        assertEquals(List.of(), checks.configReferences());
    }

    @Test
    void shouldFindARequiredVariableNotSet() {
        ManifestChecks checks = checks(GATEWAY.replaceAll("(?m)^.*APIMETER_API_KEY_PEPPER, valueFrom.*\\n", ""));

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: does not"
                + " set APIMETER_API_KEY_PEPPER, without which gateway-service does not start (its"
                + " application.properties gives no default)"), checks.environment());
    }

    @Test
    void shouldFindAnExpansionOfAVariableNotSetBefore() {
        ManifestChecks checks = checks(GATEWAY.replace("- { name: GATEWAY_REPLICAS, value: \"2\" }",
                "- { name: DB_URL, value: \"jdbc:postgresql://$(POSTGRES_HOST):5432/gateway\" }"));

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: env DB_URL"
                + " uses $(POSTGRES_HOST), which is not set before it in this container (Kubernetes would leave it as"
                + " it is)"), checks.environment());
    }

    @Test
    void shouldFindASecretKeyTheExampleDoesNotHave() {
        ManifestChecks checks = checks(GATEWAY.replace("key: APIMETER_MASTER_KEY }", "key: MASTER_KEY }"));

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: env"
                        + " APIMETER_MASTER_KEY reads key MASTER_KEY of Secret apimeter, which secret.example.yaml does"
                        + " not have",
                "deploy/k8s/broken.yaml: Secret apimeter: key APIMETER_MASTER_KEY is read by no container"),
                checks.configReferences());
    }

    @Test
    void shouldFindAServiceThatSelectsNoPodsOrTargetsNoPort() {
        ManifestChecks checks = checks(GATEWAY + """
                ---
                apiVersion: v1
                kind: Service
                metadata: { name: gateway }
                spec:
                  selector: { app.kubernetes.io/name: gateway }
                  ports: [{ port: 80, targetPort: http }]
                ---
                apiVersion: v1
                kind: Service
                metadata: { name: gateway-service }
                spec:
                  selector: { app.kubernetes.io/name: gateway-service }
                  ports: [{ port: 80, targetPort: web }]
                """);

        assertEquals(List.of("deploy/k8s/broken.yaml: Service gateway: spec.selector {app.kubernetes.io/name=gateway}"
                        + " matches no workload's pods",
                "deploy/k8s/broken.yaml: Service gateway-service: port 80 targets web, which is no containerPort of"
                        + " Deployment gateway-service"), checks.selectors());
    }

    @Test
    void shouldFindAProbeOnTheWrongPathAndMissingProbes() {
        ManifestChecks checks = checks(GATEWAY.replace("/q/health/ready", "/health/ready"));

        assertEquals(List.of(
                "deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: no startupProbe",
                "deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: readinessProbe asks"
                        + " /health/ready, not /q/health/ready",
                "deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: no livenessProbe"),
                checks.probes());
    }

    @Test
    void shouldFindACallTheNetworkPoliciesBlock() {
        ManifestChecks checks = checks(GATEWAY.replace("- { name: GATEWAY_REPLICAS, value: \"2\" }",
                "- { name: GATEWAY_REPLICAS, value: \"2\" }\n"
                        + "            - { name: OPENAI_BASE_URL, value: \"http://quota-service/v1\" }")
                + """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: quota-service }
                spec:
                  selector: { matchLabels: { app.kubernetes.io/name: quota-service } }
                  template:
                    metadata: { labels: { app.kubernetes.io/name: quota-service } }
                    spec:
                      containers: [{ name: quota-service, ports: [{ name: http, containerPort: 8080 }] }]
                ---
                apiVersion: v1
                kind: Service
                metadata: { name: quota-service }
                spec:
                  selector: { app.kubernetes.io/name: quota-service }
                  ports: [{ port: 80, targetPort: http }]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: { name: default-deny-ingress }
                spec: { podSelector: {}, policyTypes: [Ingress] }
                """);

        assertEquals(List.of("deploy/k8s/broken.yaml: Deployment gateway-service: container gateway-service: calls"
                + " http://quota-service/v1 (OPENAI_BASE_URL), but no NetworkPolicy lets its pods reach quota-service"
                + " on port 8080"), checks.serviceCalls());
    }

    private static ManifestChecks checks(String yaml) {
        Manifests manifests = Manifests.parse(FILE, yaml);
        assertEquals(List.of(), manifests.problems());
        return new ManifestChecks(manifests, ManifestTest.ROOT);
    }
}
