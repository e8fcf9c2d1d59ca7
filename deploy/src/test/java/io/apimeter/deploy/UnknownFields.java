package io.apimeter.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields of a parsed manifest that its model does not know. The fabric8 and Strimzi model classes never
 * refuse an unknown field: they keep it in {@code additionalProperties} (a value of the wrong type too, through
 * fabric8's UnmatchedFieldTypeModule), and the API server would drop or refuse it later. So this walks the parsed
 * object graph, with the property names Jackson maps, and reports every such field by its path, e.g.
 * {@code spec.template.spec.containers[0].ports[0].containerPrt}.
 */
final class UnknownFields {
    private static final ObjectMapper INTROSPECTION = new ObjectMapper();

    private UnknownFields() {
    }

    static List<String> in(Object resource) {
        List<String> found = new ArrayList<>();
        walk(resource, "", found);
        return found;
    }

    private static void walk(Object value, String path, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, join(path, String.valueOf(key)), found));
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                walk(item, path + "[" + index++ + "]", found);
            }
            return;
        }
        if (!isModel(value.getClass())) {
            return;
        }
        additionalProperties(value).keySet().forEach(field -> found.add(join(path, String.valueOf(field))));
        BeanDescription bean = INTROSPECTION.getSerializationConfig()
                .introspect(INTROSPECTION.constructType(value.getClass()));
        for (BeanPropertyDefinition property : bean.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor != null) {
                accessor.fixAccess(true);
                walk(accessor.getValue(value), join(path, property.getName()), found);
            }
        }
    }

    /** A class of the Kubernetes or Strimzi model with fields of its own (not a scalar such as a quantity). */
    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        return (name.startsWith("io.fabric8.kubernetes.") || name.startsWith("io.strimzi.api."))
                && !type.isEnum() && type != Quantity.class && type != IntOrString.class;
    }

    private static Map<?, ?> additionalProperties(Object value) {
        try {
            Method getter = value.getClass().getMethod("getAdditionalProperties");
            Object properties = getter.invoke(value);
            return properties instanceof Map<?, ?> map ? map : Map.of();
        } catch (NoSuchMethodException e) {
            return Map.of();
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read the unknown fields of " + value.getClass().getName(), e);
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
