package io.apimeter.deploy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every YAML document of the manifest files, parsed into the fabric8 Kubernetes model or the Strimzi model, and what
 * was wrong with them: not YAML, a kind neither model has, a value of the wrong type, a field the model does not know.
 */
final class Manifests {

    /** One parsed document; {@code file} as the reader knows it, e.g. {@code deploy/k8s/gateway.yaml}. */
    record Document(String file, int index, HasMetadata resource) {
        String kind() {
            return resource.getKind();
        }

        String name() {
            return resource.getMetadata().getName();
        }

        /** How a problem names it: file, kind and name. */
        String label() {
            return file + ": " + kind() + " " + name();
        }
    }

    /** A kustomization.yaml: not a Kubernetes resource, so it has a small model of its own here. */
    record Kustomization(String apiVersion, String kind, List<String> resources) {
    }

    record KustomizationFile(String file, Kustomization kustomization) {
    }

    private static final String KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1";
    private static final YAMLMapper YAML = new YAMLMapper();
    /** Strict: a field Kustomization does not have is an error. */
    private static final ObjectMapper STRICT = new ObjectMapper();
    private static final KubernetesSerialization MODEL = model();

    private final List<String> files = new ArrayList<>();
    private final List<Document> documents = new ArrayList<>();
    private final List<KustomizationFile> kustomizations = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Manifests() {
    }

    /** Every {@code .yaml} / {@code .yml} file under {@code root/directory}, named relative to {@code root}. */
    static Manifests load(Path root, String directory) {
        Manifests manifests = new Manifests();
        try (Stream<Path> files = Files.walk(root.resolve(directory))) {
            for (Path file : files.filter(Manifests::isYaml).sorted().toList()) {
                String name = root.relativize(file).toString().replace('\\', '/');
                manifests.read(name, Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return manifests;
    }

    /** The documents of one YAML text, as if it were the file {@code file}; for the checker's own tests. */
    static Manifests parse(String file, String yaml) {
        Manifests manifests = new Manifests();
        manifests.read(file, yaml);
        return manifests;
    }

    /** Every file read, named as in {@link Document#file()}. */
    List<String> files() {
        return files;
    }

    List<Document> documents() {
        return documents;
    }

    List<KustomizationFile> kustomizations() {
        return kustomizations;
    }

    /** What could not be parsed or is not in the model; empty when every document is sound. */
    List<String> problems() {
        return problems;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return documents.stream().map(Document::resource).filter(type::isInstance).map(type::cast).toList();
    }

    /** The document a resource came from. */
    Document documentOf(HasMetadata resource) {
        return documents.stream().filter(d -> d.resource() == resource).findFirst().orElseThrow();
    }

    private void read(String file, String text) {
        files.add(file);
        List<JsonNode> nodes;
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(text)) {
            nodes = iterator.readAll();
        } catch (IOException | RuntimeException e) {
            problems.add(file + ": not valid YAML: " + e.getMessage());
            return;
        }
        int index = 0;
        for (JsonNode node : nodes) {
            index++;
            if (node == null || node.isNull() || node.isMissingNode()) {
                continue; // an empty document, e.g. after a trailing ---
            }
            read(file, index, node);
        }
    }

    private void read(String file, int index, JsonNode node) {
        String where = file + " document " + index;
        if (!node.isObject()) {
            problems.add(where + ": not a mapping");
            return;
        }
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        if (KUSTOMIZE_API.equals(apiVersion) && "Kustomization".equals(kind)) {
            readKustomization(file, node);
            return;
        }
        Class<? extends KubernetesResource> type = MODEL.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null || !HasMetadata.class.isAssignableFrom(type)) {
            problems.add(where + ": apiVersion " + apiVersion + " kind " + kind
                    + " is in neither the Kubernetes model nor the Strimzi model (kafka.strimzi.io/v1): misspelt, or a"
                    + " version this check does not know");
            return;
        }
        HasMetadata resource;
        try {
            resource = (HasMetadata) MODEL.convertValue(node, type);
        } catch (IllegalArgumentException e) {
            problems.add(where + " (" + kind + " " + node.path("metadata").path("name").asText("?") + "): "
                    + describe(e));
            return;
        }
        if (resource.getMetadata() == null || resource.getMetadata().getName() == null
                || resource.getMetadata().getName().isBlank()) {
            problems.add(where + ": " + kind + " without metadata.name");
            return;
        }
        Document document = new Document(file, index, resource);
        for (String field : UnknownFields.in(resource)) {
            problems.add(document.label() + ": unknown field " + field);
        }
        documents.add(document);
    }

    private void readKustomization(String file, JsonNode node) {
        try {
            kustomizations.add(new KustomizationFile(file, STRICT.treeToValue(node, Kustomization.class)));
        } catch (UnrecognizedPropertyException e) {
            problems.add(file + ": Kustomization: unknown field " + path(e) + " (this check knows apiVersion, kind,"
                    + " resources; add what you need to Manifests.Kustomization)");
        } catch (JsonMappingException e) {
            problems.add(file + ": Kustomization: cannot read " + path(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            problems.add(file + ": Kustomization: " + e.getMessage());
        }
    }

    private static String describe(IllegalArgumentException e) {
        if (e.getCause() instanceof JsonMappingException mapping) {
            return "cannot read " + path(mapping) + ": " + mapping.getOriginalMessage();
        }
        return "cannot read: " + e.getMessage();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? "." + reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    private static KubernetesSerialization model() {
        ObjectMapper mapper = new ObjectMapper();
        // The API server takes no number or boolean where the schema says string (an env value, a ConfigMap entry):
        // Jackson would quietly turn 25 into "25", so that is refused here too.
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        KubernetesSerialization serialization = new KubernetesSerialization(mapper, true);
        serialization.registerKubernetesResource(KafkaTopic.class);
        return serialization;
    }
}
