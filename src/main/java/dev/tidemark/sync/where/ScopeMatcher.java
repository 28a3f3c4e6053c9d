package dev.tidemark.sync.where;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;

/**
 * Decides whether one row, as it is in memory (possibly not written yet), is in a scope: the
 * same {@link RowMatcher} as realtime (SQL's three-valued logic, so it selects what the queries
 * select), with relations read from the database on demand. The caller flushes its writes first.
 */
@ApplicationScoped
public class ScopeMatcher {

    @Inject
    EntityManager em;

    @Inject
    SyncRegistry registry;

    public boolean matches(Condition condition, SyncedEntity row) {
        SyncTable table = registry.tableOf(row);
        return RowMatcher.matches(condition, RowImage.of(table, row), new DatabaseLookup());
    }

    /** Relations of the row being matched, read when a relation condition needs them. */
    private final class DatabaseLookup implements RelationLookup {

        @Override
        public RowImage parent(SyncTable target, UUID uid) {
            SyncedEntity parent = em.find(target.entityClass(), uid);
            return parent == null ? null : RowImage.of(target, parent);
        }

        @Override
        public List<RowImage> liveChildren(SyncTable child, ParentRelation back, UUID parentUid) {
            return em.createQuery("select c from " + child.entityName() + " c where c." + back.foreignKey().field()
                    + " = :parent and c.deletedAt is null", child.entityClass())
                    .setParameter("parent", parentUid)
                    .setFlushMode(FlushModeType.COMMIT)
                    .getResultStream()
                    .map(row -> RowImage.of(child, row))
                    .toList();
        }
    }
}
