package io.apimeter.deploy;

import io.apimeter.deploy.Manifests.Document;
import io.apimeter.deploy.Manifests.KustomizationFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cross-checks of parsed manifests: against each other (selectors, ports, config map and secret keys, the autoscaler's
 * target, network policies) and against what the services read (their application.properties). Each check returns
 * its problems, one sentence each naming the file, the kind and name, and what is wrong; none means it holds.
 */
final class ManifestChecks {
    /** The health endpoints of smallrye-health each probe must ask. */
    static final Map<String, String> PROBE_PATHS = Map.of(
            "startupProbe", "/q/health/started",
            "readinessProbe", "/q/health/ready",
            "livenessProbe", "/q/health/live");
    static final String HTTP_PORT = "http";

    private static final Pattern EXPANSION = Pattern.compile("(?<!\\$)\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)(?::([^}]*))?}");
    /** A URL to a host without a dot: a Service of the same namespace. */
    private static final Pattern SERVICE_URL =
            Pattern.compile("^(https?)://([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::(\\d+))?(/.*)?$");

    /** A Deployment or StatefulSet: what Services, budgets, policies and the autoscaler point at. */
    record Workload(Document document, LabelSelector selector, PodTemplateSpec template) {
        String name() {
            return document.name();
        }

        String kind() {
            return document.kind();
        }

        String label() {
            return document.label();
        }

        Map<String, String> podLabels() {
            return template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of()
                    : template.getMetadata().getLabels();
        }

        List<Container> containers() {
            return template.getSpec() == null ? List.of() : list(template.getSpec().getContainers());
        }

        Optional<ContainerPort> port(IntOrString port) {
            return containers().stream().flatMap(c -> list(c.getPorts()).stream())
                    .filter(p -> matches(port, p)).findFirst();
        }
    }

    /**
     * Who opens a connection: a pod with these labels, in this namespace, or in another one with these namespace
     * labels.
     */
    record Peer(Map<String, String> podLabels, boolean inNamespace, Map<String, String> namespaceLabels) {
        static Peer podOf(Workload workload) {
            return new Peer(workload.podLabels(), true, Map.of());
        }

        static Peer elsewhere(Map<String, String> podLabels, Map<String, String> namespaceLabels) {
            return new Peer(podLabels, false, namespaceLabels);
        }
    }

    private final Manifests manifests;
    private final Path root;
    private final List<Workload> workloads = new ArrayList<>();
    private final List<String> incomplete = new ArrayList<>();

    /** {@code root}: the repository, where each container's service module is found by the container's name. */
    ManifestChecks(Manifests manifests, Path root) {
        this.manifests = manifests;
        this.root = root;
        for (Deployment deployment : manifests.all(Deployment.class)) {
            if (deployment.getSpec() != null) {
                add(deployment, deployment.getSpec().getSelector(), deployment.getSpec().getTemplate());
            } else {
                incomplete.add(label(deployment) + ": no spec");
            }
        }
        for (StatefulSet statefulSet : manifests.all(StatefulSet.class)) {
            if (statefulSet.getSpec() != null) {
                add(statefulSet, statefulSet.getSpec().getSelector(), statefulSet.getSpec().getTemplate());
            } else {
                incomplete.add(label(statefulSet) + ": no spec");
            }
        }
    }

    private void add(HasMetadata workload, LabelSelector selector, PodTemplateSpec template) {
        if (template == null || template.getSpec() == null) {
            incomplete.add(label(workload) + ": no spec.template.spec");
        } else {
            workloads.add(new Workload(manifests.documentOf(workload), selector, template));
        }
    }

    List<Workload> workloads() {
        return workloads;
    }

    Optional<Workload> workload(String name) {
        return workloads.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** The kustomization lists every manifest file of its directory except itself and the templates (*.example.*). */
    List<String> kustomization() {
        List<String> problems = new ArrayList<>();
        if (manifests.kustomizations().isEmpty()) {
            problems.add("no kustomization.yaml: kubectl apply -k has nothing to apply");
        }
        for (KustomizationFile kustomization : manifests.kustomizations()) {
            String directory = kustomization.file().substring(0, kustomization.file().lastIndexOf('/') + 1);
            Set<String> listed = new LinkedHashSet<>();
            for (String resource : list(kustomization.kustomization().resources())) {
                String file = directory + resource;
                listed.add(file);
                if (!manifests.files().contains(file)) {
                    problems.add(kustomization.file() + ": lists " + resource + ", which does not exist");
                } else if (isTemplate(file)) {
                    problems.add(kustomization.file() + ": lists " + resource
                            + ", a template: applying it would set its placeholder values");
                }
            }
            for (String file : manifests.files()) {
                boolean inDirectory = file.startsWith(directory) && file.indexOf('/', directory.length()) < 0;
                if (inDirectory && !file.equals(kustomization.file()) && !isTemplate(file) && !listed.contains(file)) {
                    problems.add(kustomization.file() + ": does not list " + file.substring(directory.length())
                            + ": kubectl apply -k would leave it out");
                }
            }
        }
        return problems;
    }

    /**
     * Selectors and references between resources: workload selectors match their pod templates; Services, budgets
     * and network policies select some workload's pods and name ports those pods have; a StatefulSet's serviceName
     * and the autoscaler's target exist.
     */
    List<String> selectors() {
        List<String> problems = new ArrayList<>(incomplete);
        Set<String> seen = new HashSet<>();
        for (Document document : manifests.documents()) {
            if (!seen.add(document.kind() + "/" + document.name())) {
                problems.add(document.label() + ": declared twice");
            }
        }
        for (Workload workload : workloads) {
            if (!Selectors.matches(workload.selector(), workload.podLabels())) {
                problems.add(workload.label() + ": spec.selector " + describe(workload.selector())
                        + " does not match its pod template's labels " + workload.podLabels());
            }
        }
        for (StatefulSet statefulSet : manifests.all(StatefulSet.class)) {
            String serviceName = statefulSet.getSpec().getServiceName();
            if (serviceName != null && service(serviceName).isEmpty()) {
                problems.add(label(statefulSet) + ": spec.serviceName " + serviceName + " is no Service here");
            }
        }
        for (Service service : manifests.all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                problems.add(label(service) + ": no spec.selector, so it sends traffic to no pod");
                continue;
            }
            List<Workload> selected = workloads.stream().filter(w -> Selectors.matches(selector, w.podLabels()))
                    .toList();
            if (selected.isEmpty()) {
                problems.add(label(service) + ": spec.selector " + selector + " matches no workload's pods");
            }
            for (ServicePort port : list(service.getSpec().getPorts())) {
                IntOrString target = targetPort(port);
                for (Workload workload : selected) {
                    if (workload.port(target).isEmpty()) {
                        problems.add(label(service) + ": port " + port.getPort() + " targets " + describe(target)
                                + ", which is no containerPort of " + workload.kind() + " " + workload.name());
                    }
                }
            }
        }
        for (PodDisruptionBudget budget : manifests.all(PodDisruptionBudget.class)) {
            LabelSelector selector = budget.getSpec().getSelector();
            if (workloads.stream().noneMatch(w -> Selectors.matches(selector, w.podLabels()))) {
                problems.add(label(budget) + ": spec.selector " + describe(selector) + " matches no workload's pods");
            }
        }
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            List<Workload> selected = selectedBy(policy);
            if (selected.isEmpty()) {
                problems.add(label(policy) + ": spec.podSelector " + describe(policy.getSpec().getPodSelector())
                        + " matches no workload's pods");
            }
            for (NetworkPolicyIngressRule rule : list(policy.getSpec().getIngress())) {
                for (NetworkPolicyPort port : list(rule.getPorts())) {
                    if (port.getPort() != null && selected.stream().anyMatch(w -> w.port(port.getPort()).isEmpty())) {
                        problems.add(label(policy) + ": ingress port " + describe(port.getPort())
                                + " is not a containerPort of every pod it selects");
                    }
                }
            }
        }
        for (HorizontalPodAutoscaler autoscaler : manifests.all(HorizontalPodAutoscaler.class)) {
            CrossVersionObjectReference target = autoscaler.getSpec().getScaleTargetRef();
            Optional<Workload> workload = workloads.stream()
                    .filter(w -> w.kind().equals(target.getKind()) && w.name().equals(target.getName())
                            && w.document().resource().getApiVersion().equals(target.getApiVersion()))
                    .findFirst();
            if (workload.isEmpty()) {
                problems.add(label(autoscaler) + ": spec.scaleTargetRef " + target.getApiVersion() + " "
                        + target.getKind() + " " + target.getName() + " is no workload here");
                continue;
            }
            boolean byCpu = list(autoscaler.getSpec().getMetrics()).stream().map(MetricSpec::getResource)
                    .anyMatch(r -> r != null && "cpu".equals(r.getName()));
            for (Container container : workload.get().containers()) {
                if (byCpu && request(container, "cpu").isEmpty()) {
                    problems.add(label(autoscaler) + ": scales on CPU, but container " + container.getName() + " of "
                            + target.getName() + " requests no cpu, so its utilisation is unknown");
                }
            }
        }
        return problems;
    }

    /**
     * Every configMapKeyRef, secretKeyRef and envFrom names a ConfigMap or Secret declared here (the Secret: in
     * secret.example.yaml) and a key it has; every key of those is read by some container.
     */
    List<String> configReferences() {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> configMaps = new HashMap<>();
        Map<String, Set<String>> secrets = new HashMap<>();
        for (ConfigMap configMap : manifests.all(ConfigMap.class)) {
            configMaps.put(configMap.getMetadata().getName(), keys(configMap.getData(), configMap.getBinaryData()));
        }
        for (Secret secret : manifests.all(Secret.class)) {
            secrets.put(secret.getMetadata().getName(), keys(secret.getData(), secret.getStringData()));
        }
        Set<String> usedConfig = new HashSet<>();
        Set<String> usedSecret = new HashSet<>();
        for (Workload workload : workloads) {
            for (Container container : workload.containers()) {
                String where = workload.label() + ": container " + container.getName();
                for (EnvVar env : list(container.getEnv())) {
                    EnvVarSource source = env.getValueFrom();
                    if (source != null && source.getConfigMapKeyRef() != null) {
                        String name = source.getConfigMapKeyRef().getName();
                        String key = source.getConfigMapKeyRef().getKey();
                        usedConfig.add(name + "/" + key);
                        if (!configMaps.containsKey(name)) {
                            problems.add(where + ": env " + env.getName() + " reads ConfigMap " + name
                                    + ", which no manifest declares");
                        } else if (!configMaps.get(name).contains(key)) {
                            problems.add(where + ": env " + env.getName() + " reads key " + key + " of ConfigMap "
                                    + name + ", which has no such key");
                        }
                    }
                    if (source != null && source.getSecretKeyRef() != null) {
                        String name = source.getSecretKeyRef().getName();
                        String key = source.getSecretKeyRef().getKey();
                        usedSecret.add(name + "/" + key);
                        if (!secrets.containsKey(name)) {
                            problems.add(where + ": env " + env.getName() + " reads Secret " + name
                                    + ", which no manifest declares (secret.example.yaml shows the secret to create)");
                        } else if (!secrets.get(name).contains(key)) {
                            problems.add(where + ": env " + env.getName() + " reads key " + key + " of Secret " + name
                                    + ", which secret.example.yaml does not have");
                        }
                    }
                }
                for (EnvFromSource from : list(container.getEnvFrom())) {
                    if (from.getConfigMapRef() != null) {
                        String name = from.getConfigMapRef().getName();
                        configMaps.getOrDefault(name, Set.of()).forEach(key -> usedConfig.add(name + "/" + key));
                        if (!configMaps.containsKey(name)) {
                            problems.add(where + ": envFrom ConfigMap " + name + ", which no manifest declares");
                        }
                    }
                    if (from.getSecretRef() != null) {
                        String name = from.getSecretRef().getName();
                        secrets.getOrDefault(name, Set.of()).forEach(key -> usedSecret.add(name + "/" + key));
                        if (!secrets.containsKey(name)) {
                            problems.add(where + ": envFrom Secret " + name + ", which no manifest declares");
                        }
                    }
                }
            }
        }
        for (ConfigMap configMap : manifests.all(ConfigMap.class)) {
            for (String key : configMaps.get(configMap.getMetadata().getName())) {
                if (!usedConfig.contains(configMap.getMetadata().getName() + "/" + key)) {
                    problems.add(label(configMap) + ": key " + key + " is read by no container");
                }
            }
        }
        for (Secret secret : manifests.all(Secret.class)) {
            for (String key : secrets.get(secret.getMetadata().getName())) {
                if (!usedSecret.contains(secret.getMetadata().getName() + "/" + key)) {
                    problems.add(label(secret) + ": key " + key + " is read by no container");
                }
            }
        }
        return problems;
    }

    /**
     * Every variable a container sets is one its service reads (the container is named after its service module),
     * or one another variable of the container expands with $(NAME); every $(NAME) is set before it; every variable
     * the service cannot start without is set.
     */
    List<String> environment() {
        List<String> problems = new ArrayList<>();
        for (Workload workload : workloads) {
            for (Container container : workload.containers()) {
                String where = workload.label() + ": container " + container.getName();
                Optional<ServiceSettings> found = ServiceSettings.of(root, container.getName());
                if (found.isEmpty()) {
                    problems.add(where + ": no service module of that name (" + container.getName()
                            + "/src/main/resources/application.properties), so what it reads cannot be checked");
                    continue;
                }
                ServiceSettings settings = found.get();
                Set<String> set = new LinkedHashSet<>(envFromKeys(container));
                Set<String> expanded = new HashSet<>();
                for (EnvVar env : list(container.getEnv())) {
                    if (env.getValue() != null) {
                        Matcher matcher = EXPANSION.matcher(env.getValue());
                        while (matcher.find()) {
                            String name = matcher.group(1);
                            expanded.add(name);
                            if (!set.contains(name)) {
                                problems.add(where + ": env " + env.getName() + " uses $(" + name + "), which is not set"
                                        + " before it in this container (Kubernetes would leave it as it is)");
                            }
                        }
                    }
                    if (!set.add(env.getName())) {
                        problems.add(where + ": sets " + env.getName() + " twice");
                    }
                }
                for (String name : set) {
                    if (!settings.reads(name) && !expanded.contains(name)) {
                        problems.add(where + ": sets " + name + ", which " + settings.module() + " does not read"
                                + " (not named in " + settings.module() + "/src/main/resources/application.properties,"
                                + " not the environment form of a property there, not in"
                                + " ServiceSettings.STANDARD_NAMES)");
                    }
                }
                for (String name : settings.required()) {
                    if (!set.contains(name)) {
                        problems.add(where + ": does not set " + name + ", without which " + settings.module()
                                + " does not start (its application.properties gives no default)");
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Each container has a containerPort named http, the port its service listens on (QUARKUS_HTTP_PORT, or
     * quarkus.http.port of its application.properties with the container's variables), and its startup, readiness
     * and liveness probes ask smallrye-health's endpoints on that port.
     */
    List<String> probes() {
        List<String> problems = new ArrayList<>();
        for (Workload workload : workloads) {
            for (Container container : workload.containers()) {
                String where = workload.label() + ": container " + container.getName();
                Optional<ContainerPort> http = list(container.getPorts()).stream()
                        .filter(p -> HTTP_PORT.equals(p.getName())).findFirst();
                if (http.isEmpty()) {
                    problems.add(where + ": no containerPort named " + HTTP_PORT);
                    continue;
                }
                Integer port = http.get().getContainerPort();
                if (port == null) {
                    problems.add(where + ": containerPort " + HTTP_PORT + " has no number");
                    continue;
                }
                Optional<ServiceSettings> settings = ServiceSettings.of(root, container.getName());
                if (settings.isPresent()) {
                    int listens = listeningPort(container, settings.get());
                    if (listens != port.intValue()) {
                        problems.add(where + ": the service listens on " + listens + " (QUARKUS_HTTP_PORT, or"
                                + " quarkus.http.port of its application.properties), but containerPort http is " + port);
                    }
                }
                Map<String, Probe> probes = new LinkedHashMap<>();
                probes.put("startupProbe", container.getStartupProbe());
                probes.put("readinessProbe", container.getReadinessProbe());
                probes.put("livenessProbe", container.getLivenessProbe());
                probes.forEach((kind, probe) -> {
                    HTTPGetAction get = probe == null ? null : probe.getHttpGet();
                    if (probe == null) {
                        problems.add(where + ": no " + kind);
                    } else if (get == null) {
                        problems.add(where + ": " + kind + " is not an httpGet of " + PROBE_PATHS.get(kind));
                    } else {
                        if (!PROBE_PATHS.get(kind).equals(get.getPath())) {
                            problems.add(where + ": " + kind + " asks " + get.getPath() + ", not "
                                    + PROBE_PATHS.get(kind));
                        }
                        if (get.getPort() == null || !matches(get.getPort(), http.get())) {
                            problems.add(where + ": " + kind + " asks port " + describe(get.getPort())
                                    + ", not the http port " + port);
                        }
                    }
                });
            }
        }
        return problems;
    }

    /**
     * Each container has cpu and memory requests and limits, runs as non-root without privilege escalation or
     * capabilities, on a read-only root file system with an emptyDir at /tmp; each workload has a disruption budget.
     */
    List<String> hardening() {
        List<String> problems = new ArrayList<>();
        for (Workload workload : workloads) {
            PodSecurityContext pod = workload.template().getSpec().getSecurityContext();
            Map<String, Volume> volumes = new HashMap<>();
            list(workload.template().getSpec().getVolumes()).forEach(v -> volumes.put(v.getName(), v));
            for (Container container : workload.containers()) {
                String where = workload.label() + ": container " + container.getName();
                for (String resource : List.of("cpu", "memory")) {
                    if (request(container, resource).isEmpty()) {
                        problems.add(where + ": no resources.requests." + resource);
                    }
                    if (limit(container, resource).isEmpty()) {
                        problems.add(where + ": no resources.limits." + resource);
                    }
                }
                SecurityContext security = container.getSecurityContext();
                Boolean nonRoot = security != null && security.getRunAsNonRoot() != null ? security.getRunAsNonRoot()
                        : pod == null ? null : pod.getRunAsNonRoot();
                if (!Boolean.TRUE.equals(nonRoot)) {
                    problems.add(where + ": not runAsNonRoot");
                }
                if (security == null || !Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
                    problems.add(where + ": securityContext.allowPrivilegeEscalation is not false");
                }
                if (security == null || security.getCapabilities() == null
                        || !list(security.getCapabilities().getDrop()).contains("ALL")) {
                    problems.add(where + ": securityContext.capabilities does not drop ALL");
                }
                if (security == null || !Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
                    problems.add(where + ": securityContext.readOnlyRootFilesystem is not true");
                }
                boolean tmp = list(container.getVolumeMounts()).stream()
                        .filter(m -> "/tmp".equals(m.getMountPath())).map(VolumeMount::getName).map(volumes::get)
                        .anyMatch(v -> v != null && v.getEmptyDir() != null);
                if (!tmp) {
                    problems.add(where + ": no emptyDir volume at /tmp, where Quarkus and Netty write temporary files");
                }
            }
            if (manifests.all(PodDisruptionBudget.class).stream()
                    .noneMatch(b -> Selectors.matches(b.getSpec().getSelector(), workload.podLabels()))) {
                problems.add(workload.label() + ": no PodDisruptionBudget selects its pods");
            }
        }
        return problems;
    }

    /**
     * Every variable whose value is a URL of a Service here ({@code http://quota-service}) names a Service and one
     * of its ports, and the network policies let the calling pods reach the pods behind it on that port.
     */
    List<String> serviceCalls() {
        List<String> problems = new ArrayList<>();
        for (Workload caller : workloads) {
            for (Container container : caller.containers()) {
                String where = caller.label() + ": container " + container.getName();
                for (Map.Entry<String, String> env : values(container).entrySet()) {
                    Matcher url = SERVICE_URL.matcher(env.getValue());
                    if (!url.matches()) {
                        continue;
                    }
                    String host = url.group(2);
                    int port = url.group(4) != null ? Integer.parseInt(url.group(4))
                            : url.group(1).equals("https") ? 443 : 80;
                    Optional<Service> service = service(host);
                    if (service.isEmpty()) {
                        problems.add(where + ": " + env.getKey() + "=" + env.getValue() + " names host " + host
                                + ", which is no Service here");
                        continue;
                    }
                    Optional<ServicePort> servicePort = list(service.get().getSpec().getPorts()).stream()
                            .filter(p -> Integer.valueOf(port).equals(p.getPort())).findFirst();
                    if (servicePort.isEmpty()) {
                        problems.add(where + ": " + env.getKey() + "=" + env.getValue() + ": Service " + host
                                + " has no port " + port);
                        continue;
                    }
                    for (Workload callee : workloads) {
                        if (!Selectors.matches(service.get().getSpec().getSelector(), callee.podLabels())) {
                            continue;
                        }
                        Optional<ContainerPort> target = callee.port(targetPort(servicePort.get()));
                        if (target.isPresent() && !admits(Peer.podOf(caller), callee, target.get())) {
                            problems.add(where + ": calls " + env.getValue() + " (" + env.getKey() + "), but no"
                                    + " NetworkPolicy lets its pods reach " + callee.name() + " on port "
                                    + target.get().getContainerPort());
                        }
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Whether the network policies let {@code peer} open a connection to the pods of {@code target} on its port
     * {@code port}: yes when no policy selects those pods for ingress, else when a rule of one of them admits the
     * peer on that port. An ipBlock peer is taken to stand for anything outside the namespace.
     */
    boolean admits(Peer peer, Workload target, ContainerPort port) {
        List<NetworkPolicy> selecting = manifests.all(NetworkPolicy.class).stream()
                .filter(p -> isIngress(p) && Selectors.matches(p.getSpec().getPodSelector(), target.podLabels()))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> list(p.getSpec().getIngress()).stream())
                .anyMatch(rule -> admits(rule, peer) && admits(rule.getPorts(), port));
    }

    /** {@link #admits(Peer, Workload, ContainerPort)} on the target's port named {@code portName}. */
    boolean admits(Peer peer, Workload target, String portName) {
        ContainerPort port = target.port(new IntOrString(portName))
                .orElseThrow(() -> new IllegalArgumentException(target.name() + " has no port " + portName));
        return admits(peer, target, port);
    }

    private static boolean admits(NetworkPolicyIngressRule rule, Peer peer) {
        List<NetworkPolicyPeer> from = list(rule.getFrom());
        return from.isEmpty() || from.stream().anyMatch(p -> admits(p, peer));
    }

    private static boolean admits(NetworkPolicyPeer from, Peer peer) {
        if (from.getIpBlock() != null) {
            return !peer.inNamespace();
        }
        boolean podMatches = from.getPodSelector() == null || Selectors.matches(from.getPodSelector(), peer.podLabels());
        if (from.getNamespaceSelector() == null) {
            return peer.inNamespace() && podMatches;
        }
        return Selectors.matches(from.getNamespaceSelector(), peer.namespaceLabels()) && podMatches;
    }

    private static boolean admits(List<NetworkPolicyPort> ports, ContainerPort port) {
        return list(ports).isEmpty() || list(ports).stream().anyMatch(p -> {
            String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
            String portProtocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
            return protocol.equals(portProtocol) && (p.getPort() == null || matches(p.getPort(), port));
        });
    }

    private static boolean isIngress(NetworkPolicy policy) {
        List<String> types = list(policy.getSpec().getPolicyTypes());
        return types.isEmpty() || types.contains("Ingress");
    }

    private List<Workload> selectedBy(NetworkPolicy policy) {
        return workloads.stream().filter(w -> Selectors.matches(policy.getSpec().getPodSelector(), w.podLabels()))
                .toList();
    }

    private Optional<Service> service(String name) {
        return manifests.all(Service.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
    }

    /** The port the service in {@code container} listens on. */
    private int listeningPort(Container container, ServiceSettings settings) {
        Map<String, String> values = values(container);
        String port = values.containsKey("QUARKUS_HTTP_PORT") ? values.get("QUARKUS_HTTP_PORT")
                : settings.property("quarkus.http.port").map(p -> expand(p, values)).orElse("8080");
        try {
            return Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The container's variables whose values the manifests know: literal values and ConfigMap entries. */
    private Map<String, String> values(Container container) {
        Map<String, String> values = new LinkedHashMap<>();
        for (EnvFromSource from : list(container.getEnvFrom())) {
            if (from.getConfigMapRef() != null) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                configMap(from.getConfigMapRef().getName())
                        .ifPresent(data -> data.forEach((key, value) -> values.put(prefix + key, value)));
            }
        }
        for (EnvVar env : list(container.getEnv())) {
            if (env.getValue() != null) {
                values.put(env.getName(), env.getValue());
            } else if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                String key = env.getValueFrom().getConfigMapKeyRef().getKey();
                configMap(env.getValueFrom().getConfigMapKeyRef().getName())
                        .map(data -> data.get(key)).ifPresent(value -> values.put(env.getName(), value));
            }
        }
        return values;
    }

    private Optional<Map<String, String>> configMap(String name) {
        return manifests.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name))
                .findFirst().map(c -> c.getData() == null ? Map.of() : c.getData());
    }

    /** The names envFrom sets: every key of each ConfigMap and Secret it names, with its prefix. */
    private Set<String> envFromKeys(Container container) {
        Set<String> names = new LinkedHashSet<>();
        for (EnvFromSource from : list(container.getEnvFrom())) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getConfigMapRef() != null) {
                manifests.all(ConfigMap.class).stream()
                        .filter(c -> c.getMetadata().getName().equals(from.getConfigMapRef().getName()))
                        .forEach(c -> keys(c.getData(), c.getBinaryData()).forEach(k -> names.add(prefix + k)));
            }
            if (from.getSecretRef() != null) {
                manifests.all(Secret.class).stream()
                        .filter(s -> s.getMetadata().getName().equals(from.getSecretRef().getName()))
                        .forEach(s -> keys(s.getData(), s.getStringData()).forEach(k -> names.add(prefix + k)));
            }
        }
        return names;
    }

    /** ${NAME:default} placeholders of a property value, resolved from the container's variables. */
    private static String expand(String value, Map<String, String> variables) {
        Matcher matcher = PLACEHOLDER.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String replacement = variables.containsKey(matcher.group(1)) ? variables.get(matcher.group(1))
                    : matcher.group(2) != null ? matcher.group(2) : matcher.group();
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    private static Optional<Quantity> request(Container container, String resource) {
        ResourceRequirements resources = container.getResources();
        return Optional.ofNullable(resources == null || resources.getRequests() == null ? null
                : resources.getRequests().get(resource));
    }

    private static Optional<Quantity> limit(Container container, String resource) {
        ResourceRequirements resources = container.getResources();
        return Optional.ofNullable(resources == null || resources.getLimits() == null ? null
                : resources.getLimits().get(resource));
    }

    private static IntOrString targetPort(ServicePort port) {
        return port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
    }

    private static boolean matches(IntOrString port, ContainerPort containerPort) {
        return port.getStrVal() != null ? port.getStrVal().equals(containerPort.getName())
                : port.getIntVal() != null && port.getIntVal().equals(containerPort.getContainerPort());
    }

    private static boolean isTemplate(String file) {
        return file.substring(file.lastIndexOf('/') + 1).contains(".example.");
    }

    private String label(HasMetadata resource) {
        return manifests.documentOf(resource).label();
    }

    private static Set<String> keys(Map<String, String> first, Map<String, String> second) {
        Set<String> keys = new TreeSet<>();
        if (first != null) {
            keys.addAll(first.keySet());
        }
        if (second != null) {
            keys.addAll(second.keySet());
        }
        return keys;
    }

    private static String describe(IntOrString port) {
        return port == null ? "none" : port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    private static String describe(LabelSelector selector) {
        if (selector == null) {
            return "(none)";
        }
        List<String> parts = new ArrayList<>();
        if (selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()) {
            parts.add(selector.getMatchLabels().toString());
        }
        list(selector.getMatchExpressions()).forEach(e -> parts.add(e.getKey() + " " + e.getOperator() + " "
                + list(e.getValues())));
        return parts.isEmpty() ? "{}" : String.join(", ", parts);
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
