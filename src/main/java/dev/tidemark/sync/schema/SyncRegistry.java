package dev.tidemark.sync.schema;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import jakarta.persistence.metamodel.EntityType;

import org.hibernate.Hibernate;

import dev.tidemark.sync.entity.ConflictPolicy;
import dev.tidemark.sync.entity.CreatedBy;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.entity.TombstoneCascade;
import io.quarkus.runtime.StartupEvent;

/**
 * The synced tables of the application, their columns and relations, read from the entity
 * classes (JPA mapping annotations plus {@link TombstoneCascade}). Adding a table to an app means
 * adding an entity; nothing is declared twice.
 */
@ApplicationScoped
public class SyncRegistry {

    private static final Set<String> SYSTEM_FIELDS = Set.of("createdAt", "updatedAt", "deletedAt", "version");

    @Inject
    EntityManagerFactory entityManagerFactory;

    private volatile Map<Class<?>, SyncTable> tables;

    void onStart(@Observes StartupEvent event) {
        all(); // fail at start-up, not at the first request, if an entity is mapped wrongly
    }

    public Collection<SyncTable> all() {
        return tables().values();
    }

    public SyncTable table(Class<?> type) {
        SyncTable table = null;
        for (Class<?> c = type; table == null && c != null; c = c.getSuperclass()) {
            table = tables().get(c); // walks up from Hibernate proxy classes
        }
        if (table == null) {
            throw new IllegalArgumentException(type.getName() + " is not a synced entity (extend SyncedEntity and annotate @Entity)");
        }
        return table;
    }

    /**
     * Every table, parents before the tables that reference them, so rows written in this order
     * never reference a parent that is written later (ties in name order, for determinism).
     */
    public List<SyncTable> inDependencyOrder() {
        List<SyncTable> ordered = new ArrayList<>();
        List<SyncTable> pending = new ArrayList<>(all());
        pending.sort(Comparator.comparing(SyncTable::typeName));
        while (!pending.isEmpty()) {
            SyncTable next = pending.stream()
                    .filter(t -> t.parents().values().stream().allMatch(p -> p.target() == t.entityClass()
                            || ordered.stream().anyMatch(o -> o.entityClass() == p.target())))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("Synced tables reference each other in a cycle: " + pending));
            ordered.add(next);
            pending.remove(next);
        }
        return ordered;
    }

    /** The table of an entity instance, looking through Hibernate proxies. */
    public SyncTable tableOf(SyncedEntity entity) {
        return table(Hibernate.getClass(entity));
    }

    private Map<Class<?>, SyncTable> tables() {
        Map<Class<?>, SyncTable> result = tables;
        if (result == null) {
            synchronized (this) {
                if (tables == null) {
                    tables = build();
                }
                result = tables;
            }
        }
        return result;
    }

    private Map<Class<?>, SyncTable> build() {
        List<Class<? extends SyncedEntity>> classes = new ArrayList<>();
        for (EntityType<?> type : entityManagerFactory.getMetamodel().getEntities()) {
            if (SyncedEntity.class.isAssignableFrom(type.getJavaType())) {
                classes.add(type.getJavaType().asSubclass(SyncedEntity.class));
            }
        }
        classes.sort(Comparator.comparing(Class::getName));
        Map<Class<?>, SyncTable> built = new LinkedHashMap<>();
        for (Class<? extends SyncedEntity> type : classes) {
            built.put(type, describe(type));
        }
        return Map.copyOf(built);
    }

    static SyncTable describe(Class<? extends SyncedEntity> type) {
        Map<String, SyncColumn> columns = new LinkedHashMap<>();
        Map<String, ParentRelation> parents = new LinkedHashMap<>();
        Map<String, ChildRelation> children = new LinkedHashMap<>();
        List<Field> fields = fieldsOf(type);
        for (Field field : fields) {
            Column column = field.getAnnotation(Column.class);
            if (column != null) {
                columns.put(field.getName(), new SyncColumn(field.getName(), column.name(), field.getType(),
                        column.nullable(), SYSTEM_FIELDS.contains(field.getName())
                                || field.isAnnotationPresent(CreatedBy.class)));
            }
        }
        for (Field field : fields) {
            if (field.isAnnotationPresent(ManyToOne.class)) {
                parents.put(field.getName(), parentRelation(type, field, columns));
            } else if (field.isAnnotationPresent(OneToMany.class)) {
                children.put(field.getName(), childRelation(type, field));
            }
        }
        Entity entity = type.getAnnotation(Entity.class);
        Table table = type.getAnnotation(Table.class);
        String entityName = entity.name().isEmpty() ? type.getSimpleName() : entity.name();
        ConflictPolicy policy = type.getAnnotation(ConflictPolicy.class);
        return new SyncTable(type.getSimpleName(), entityName, table == null ? entityName : table.name(), type,
                Map.copyOf(columns), Map.copyOf(parents), Map.copyOf(children), policy == null || policy.deleteWins());
    }

    private static ParentRelation parentRelation(Class<?> type, Field field, Map<String, SyncColumn> columns) {
        JoinColumn join = field.getAnnotation(JoinColumn.class);
        SyncColumn foreignKey = columns.values().stream()
                .filter(c -> join != null && c.column().equals(join.name()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(type.getSimpleName() + "." + field.getName()
                        + ": a synced many-to-one needs @JoinColumn(insertable = false, updatable = false) on a column also mapped as a UUID field"));
        return new ParentRelation(field.getName(), foreignKey, field.getType().asSubclass(SyncedEntity.class),
                field.isAnnotationPresent(TombstoneCascade.class));
    }

    private static ChildRelation childRelation(Class<?> type, Field field) {
        OneToMany oneToMany = field.getAnnotation(OneToMany.class);
        if (!(field.getGenericType() instanceof ParameterizedType generic) || oneToMany.mappedBy().isEmpty()) {
            throw new IllegalStateException(type.getSimpleName() + "." + field.getName()
                    + ": a synced one-to-many must be a List<Child> with mappedBy");
        }
        Class<?> child = (Class<?>) generic.getActualTypeArguments()[0];
        return new ChildRelation(field.getName(), child.asSubclass(SyncedEntity.class), oneToMany.mappedBy());
    }

    private static List<Field> fieldsOf(Class<?> type) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    fields.add(field);
                }
            }
        }
        return fields;
    }
}
