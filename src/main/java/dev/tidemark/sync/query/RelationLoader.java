package dev.tidemark.sync.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.jpa.HibernateHints;

import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.policy.RowPolicies;
import dev.tidemark.sync.schema.ChildRelation;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.JpqlRenderer;
import dev.tidemark.sync.where.JpqlScope;

/**
 * Resolves relation fields for a whole list of rows at once (GraphQL batch resolvers): one query
 * per relation and list, never one per row. Relations are named as in the entities. Related rows
 * the caller's row policy hides are left out, so a selection cannot reach past what a where may.
 */
@ApplicationScoped
public class RelationLoader {

    @Inject
    EntityManager em;

    @Inject
    SyncRegistry registry;

    @Inject
    RowPolicies policies;

    @Inject
    Caller caller;

    /** For each parent, its live children along the one-to-many {@code relation}, oldest first. */
    public <C extends SyncedEntity> List<List<C>> children(List<? extends SyncedEntity> parents, String relation, Class<C> childType) {
        if (parents.isEmpty()) {
            return List.of();
        }
        ChildRelation children = relationOf(parents).children().get(relation);
        SyncTable child = registry.table(children.child());
        ParentRelation back = child.parents().get(children.parentField());
        String fkField = back.foreignKey().field();
        JpqlScope visible = visible(child);
        List<C> rows = visible.bind(em.createQuery("select e from " + child.entityName() + " e where e." + fkField
                + " in :parents and e.deletedAt is null and (" + visible.predicate() + ") order by e.createdAt, e.uid",
                childType))
                .setParameter("parents", uids(parents))
                .setHint(HibernateHints.HINT_READ_ONLY, true)
                .getResultList();
        Map<UUID, List<C>> byParent = rows.stream()
                .collect(Collectors.groupingBy(row -> fk(row, back.foreignKey())));
        return parents.stream().map(p -> byParent.getOrDefault(p.uid, List.of())).toList();
    }

    /** For each child, the parent its many-to-one {@code relation} points at (tombstone or not). */
    public <P extends SyncedEntity> List<P> parents(List<? extends SyncedEntity> children, String relation, Class<P> parentType) {
        if (children.isEmpty()) {
            return List.of();
        }
        ParentRelation parent = relationOf(children).parents().get(relation);
        List<UUID> keys = children.stream().map(c -> fk(c, parent.foreignKey())).toList();
        Map<UUID, P> byUid = byUid(parentType, keys);
        return keys.stream().map(byUid::get).toList();
    }

    /**
     * For each row, the live rows reached through a join table: {@code User.groups} is
     * {@code memberships} (live join rows) then their {@code group} (live targets only).
     */
    public <T extends SyncedEntity> List<List<T>> through(List<? extends SyncedEntity> rows, String joinRelation,
            Class<? extends SyncedEntity> joinType, String targetRelation, Class<T> targetType) {
        List<? extends List<? extends SyncedEntity>> joins = children(rows, joinRelation, joinType);
        ParentRelation target = registry.table(joinType).parents().get(targetRelation);
        List<UUID> keys = joins.stream().flatMap(List::stream).map(j -> fk(j, target.foreignKey())).toList();
        Map<UUID, T> byUid = byUid(targetType, keys);
        List<List<T>> result = new ArrayList<>(rows.size());
        for (List<? extends SyncedEntity> rowJoins : joins) {
            result.add(rowJoins.stream()
                    .map(j -> byUid.get(fk(j, target.foreignKey())))
                    .filter(t -> t != null && !t.isDeleted())
                    .distinct()
                    .toList());
        }
        return result;
    }

    private <T extends SyncedEntity> Map<UUID, T> byUid(Class<T> type, Collection<UUID> keys) {
        Set<UUID> distinct = keys.stream().filter(Objects::nonNull).collect(Collectors.toCollection(LinkedHashSet::new));
        if (distinct.isEmpty()) {
            return new HashMap<>();
        }
        SyncTable table = registry.table(type);
        JpqlScope visible = visible(table);
        return visible.bind(em.createQuery("select e from " + table.entityName() + " e where e.uid in :uids and ("
                + visible.predicate() + ")", type))
                .setParameter("uids", distinct)
                .setHint(HibernateHints.HINT_READ_ONLY, true)
                .getResultStream()
                .collect(Collectors.toMap(t -> t.uid, Function.identity()));
    }

    /** The rows of {@code table} the caller may see: related rows outside the caller's rights are left out (null for a parent). */
    private JpqlScope visible(SyncTable table) {
        return JpqlRenderer.render(policies.read(table, caller.identity()));
    }

    private SyncTable relationOf(List<? extends SyncedEntity> rows) {
        return registry.tableOf(rows.get(0));
    }

    private static UUID fk(SyncedEntity row, SyncColumn column) {
        return (UUID) Columns.read(row, column);
    }

    private static List<UUID> uids(List<? extends SyncedEntity> rows) {
        return rows.stream().map(r -> r.uid).distinct().toList();
    }
}
