package io.apimeter.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label selector semantics: matchLabels and matchExpressions, all of them must hold. */
final class Selectors {
    private Selectors() {
    }

    /** A selector of a Deployment, PDB or NetworkPolicy; an empty one selects everything, none selects nothing. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        if (!matches(matchLabels, labels)) {
            return false;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of()
                : selector.getMatchExpressions();
        return expressions.stream().allMatch(e -> matches(e, labels));
    }

    /** A Service's selector: every label it names, with that value. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        Map<String, String> present = labels == null ? Map.of() : labels;
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(present.get(e.getKey())));
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        Map<String, String> present = labels == null ? Map.of() : labels;
        String value = present.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("unknown selector operator " + requirement.getOperator());
        };
    }
}
