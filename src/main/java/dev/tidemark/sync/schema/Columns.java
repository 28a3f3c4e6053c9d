package dev.tidemark.sync.schema;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.hibernate.engine.spi.SelfDirtinessTracker;

import dev.tidemark.sync.entity.SyncedEntity;

/** Reads and writes entity columns by their registry description (generic engine code has no getters to call). */
public final class Columns {

    private static final Map<String, Field> FIELDS = new ConcurrentHashMap<>();

    private Columns() {
    }

    public static Object read(SyncedEntity row, SyncColumn column) {
        try {
            return field(row.getClass(), column.field()).get(row);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets a column and tells Hibernate it changed: entities are bytecode-enhanced with inline
     * dirty tracking, which a reflective write would bypass (the change would never be flushed).
     */
    public static void write(SyncedEntity row, SyncColumn column, Object value) {
        try {
            field(row.getClass(), column.field()).set(row, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (row instanceof SelfDirtinessTracker tracker) {
            tracker.$$_hibernate_trackChange(column.field());
        }
    }

    /** The accessible field holding {@code column} in {@code type}: setting it is a plain write, without dirty tracking (rows Hibernate does not manage). */
    public static Field field(Class<?> type, SyncColumn column) {
        return field(type, column.field());
    }

    private static Field field(Class<?> type, String name) {
        return FIELDS.computeIfAbsent(type.getName() + "#" + name, key -> find(type, name));
    }

    private static Field find(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // keep looking in the superclass
            }
        }
        throw new IllegalStateException(type.getName() + " has no field " + name);
    }
}
