package dev.tidemark.sync.schema;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the public fields of GraphQL input objects (where-inputs, save and change inputs, scope
 * inputs). The engine knows an app's input classes only by their field names, which mirror the
 * entities' field names.
 */
public final class InputFields {

    private InputFields() {
    }

    /** The public instance fields of an input class. */
    public static List<Field> of(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field field : type.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                fields.add(field);
            }
        }
        return fields;
    }

    /**
     * The fields of an input that have a value, in declaration order: the public fields of a
     * GraphQL input object, or the entries of a map (a where written as JSON, as row policies are).
     */
    public static List<Map.Entry<String, Object>> entries(Object input) {
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        if (input instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v != null) {
                    entries.add(Map.entry(k.toString(), v));
                }
            });
            return entries;
        }
        for (Field field : of(input.getClass())) {
            Object value = get(field, input);
            if (value != null) {
                entries.add(Map.entry(field.getName(), value));
            }
        }
        return entries;
    }

    public static Object get(Field field, Object input) {
        try {
            return field.get(input);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of a field the input class must declare. */
    public static Object require(Object input, String name) {
        if (input instanceof Map<?, ?> map) {
            return map.get(name);
        }
        return get(field(input.getClass(), name), input);
    }

    /** The value of a field, or null when the input class has no such field. */
    public static Object optional(Object input, String name) {
        try {
            return get(input.getClass().getField(name), input);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    public static void set(Object target, String name, Object value) {
        try {
            field(target.getClass(), name).set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getField(name);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(type.getName() + " must have a public field '" + name + "'", e);
        }
    }
}
