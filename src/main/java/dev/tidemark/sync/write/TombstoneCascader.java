package dev.tidemark.sync.write;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;

import dev.tidemark.sync.entity.CascadeRules;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.entity.TombstoneCascade;
import dev.tidemark.sync.error.ParentDeletedException;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;

/**
 * Tombstones, in the current transaction, every live row that declares {@link TombstoneCascade}
 * on a reference to a tombstoned parent, and recursively their own cascading children.
 *
 * <p>One SQL update per cascading relation and level, not one per row. The rows get the parent's
 * {@code deletedAt} as their {@code deletedAt} and {@code updatedAt} (but never earlier than their
 * own {@code createdAt}), and a new version from the
 * version trigger. The query runs with {@link FlushModeType#COMMIT} because it is called from
 * inside a flush (a JPA callback), where an auto-flush would recurse.
 */
@ApplicationScoped
public class TombstoneCascader implements CascadeRules {

    @Inject
    SyncRegistry registry;

    @Inject
    EntityManager em;

    @Override
    public void cascadeFrom(SyncedEntity parent) {
        cascade(registry.tableOf(parent), List.of(parent.uid), parent.deletedAt);
    }

    /**
     * Refuses a live row whose cascading parent is a tombstone (it would be an orphan the cascade
     * already missed). Parents are usually in the persistence context already, so this rarely
     * costs a query.
     */
    @Override
    public void requireLiveParents(SyncedEntity row) {
        SyncTable table = registry.tableOf(row);
        for (ParentRelation relation : table.parents().values()) {
            UUID parentUid = relation.cascade() ? (UUID) Columns.read(row, relation.foreignKey()) : null;
            SyncedEntity parent = parentUid == null ? null : em.find(relation.target(), parentUid);
            if (parent != null && parent.isDeleted()) {
                throw new ParentDeletedException(relation.foreignKey().field(), table.typeName() + " " + row.uid
                        + " references " + registry.table(relation.target()).typeName() + " " + parentUid
                        + ", deleted at " + parent.deletedAt + "; a live row cannot reference a deleted parent");
            }
        }
    }

    private void cascade(SyncTable parent, List<UUID> parentUids, OffsetDateTime deletedAt) {
        for (SyncTable child : registry.all()) {
            for (ParentRelation relation : child.parents().values()) {
                if (relation.cascade() && relation.target() == parent.entityClass()) {
                    List<UUID> tombstoned = tombstone(child, relation, parentUids, deletedAt);
                    if (!tombstoned.isEmpty()) {
                        cascade(child, tombstoned, deletedAt);
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<UUID> tombstone(SyncTable child, ParentRelation relation, List<UUID> parentUids, OffsetDateTime deletedAt) {
        // never before the child's own creation (a membership made after its group's tombstone time)
        String sql = "update " + child.tableName() + " set deleted_at = greatest(:at, created_at), "
                + "updated_at = greatest(:at, created_at) where "
                + relation.foreignKey().column() + " in (:parents) and deleted_at is null returning uid";
        return em.createNativeQuery(sql, UUID.class)
                .setFlushMode(FlushModeType.COMMIT)
                .setParameter("at", deletedAt)
                .setParameter("parents", parentUids)
                .getResultList();
    }

}
