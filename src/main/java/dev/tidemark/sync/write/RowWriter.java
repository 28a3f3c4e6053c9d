package dev.tidemark.sync.write;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.InvalidInputException;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.InputFields;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.schema.Uuids;

/**
 * The row-level steps every write path shares (online mutations and sync): lock, copy a
 * client's values onto an entity, check its references. It joins the caller's transaction and
 * never throws for a refusal it can report, so a sync can refuse one row and write the others.
 */
@ApplicationScoped
public class RowWriter {

    @Inject
    EntityManager em;

    @Inject
    SyncRegistry registry;

    /** The row, locked {@code FOR UPDATE} until the transaction ends, or null. */
    public <T extends SyncedEntity> T lock(Class<T> type, UUID uid) {
        return em.find(type, uid, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Locks many rows of one table with one query per thousand uids: {@code FOR UPDATE} for rows
     * about to be written, {@code FOR SHARE} for parents that must stay as they are. Later
     * {@link #lock} and parent checks of these rows are then answered from the persistence context.
     */
    public void lockAll(Class<? extends SyncedEntity> type, java.util.Collection<UUID> uids, LockModeType mode) {
        List<UUID> all = new ArrayList<>(new java.util.LinkedHashSet<>(uids));
        all.sort(null); // one lock order for every transaction: concurrent syncs cannot deadlock on it
        for (int from = 0; from < all.size(); from += 1000) {
            em.createQuery("select e from " + registry.table(type).entityName() + " e where e.uid in :uids order by e.uid", type)
                    .setParameter("uids", all.subList(from, Math.min(all.size(), from + 1000)))
                    .setLockMode(mode)
                    .getResultList();
        }
    }

    /** Locks {@code FOR SHARE} the parents the given inputs reference (foreign keys as UUID strings, malformed ones skipped). */
    public void lockParentsOf(SyncTable table, List<?> inputs) {
        for (ParentRelation relation : table.parents().values()) {
            List<UUID> parents = new ArrayList<>();
            for (Object input : inputs) {
                Object value = InputFields.optional(input, relation.foreignKey().field());
                if (value != null && Uuids.isUuid(value.toString())) {
                    parents.add(UUID.fromString(value.toString()));
                }
            }
            lockAll(relation.target(), parents, LockModeType.PESSIMISTIC_READ);
        }
    }

    public <T extends SyncedEntity> T newRow(Class<T> type, UUID uid) {
        try {
            T row = type.getDeclaredConstructor().newInstance();
            row.uid = uid;
            return row;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public no-argument constructor", e);
        }
    }

    /**
     * Copies every column the input object names (public fields named like the entity's fields)
     * onto the row; server-managed columns and {@code uid} are never copied. A missing required
     * value or a malformed UUID is a malformed request and throws.
     */
    public void copyColumns(SyncTable table, Object input, SyncedEntity row, String path) {
        for (Field field : InputFields.of(input.getClass())) {
            SyncColumn column = table.column(field.getName());
            if (column == null || column.system() || column.field().equals("uid")) {
                continue;
            }
            String fieldPath = path + "." + column.field();
            Object value = InputFields.get(field, input);
            if (value == null && !column.nullable()) {
                throw new InvalidInputException(fieldPath, "is required for " + table.typeName());
            }
            if (value != null && column.type() == UUID.class) {
                value = Uuids.parse(value.toString(), fieldPath);
            }
            Columns.write(row, column, value);
        }
    }

    /**
     * Each reference must name a live parent. The parent is read {@code FOR SHARE}, so a concurrent
     * delete of it waits for this transaction (and then cascades to this row), or has already
     * committed and is seen here; either way no live row is left pointing at a tombstone.
     *
     * @return null when every parent is live, else the first refusal
     */
    public Refusal checkParents(SyncTable table, SyncedEntity row, String path) {
        return checkParents(table, row, path, true);
    }

    /** Like {@link #checkParents} for a tombstone: its parents must exist, but may be tombstones too. */
    public Refusal checkParentsExist(SyncTable table, SyncedEntity row, String path) {
        return checkParents(table, row, path, false);
    }

    private Refusal checkParents(SyncTable table, SyncedEntity row, String path, boolean requireLive) {
        for (ParentRelation relation : table.parents().values()) {
            UUID parentUid = (UUID) Columns.read(row, relation.foreignKey());
            if (parentUid == null) {
                continue;
            }
            String field = path + "." + relation.foreignKey().field();
            SyncedEntity parent = em.find(relation.target(), parentUid, LockModeType.PESSIMISTIC_READ);
            String parentType = registry.table(relation.target()).typeName();
            if (parent == null) {
                return new Refusal(SyncReason.PARENT_NOT_FOUND, field, "no " + parentType + " has uid " + parentUid);
            }
            if (requireLive && parent.isDeleted()) {
                return new Refusal(SyncReason.PARENT_DELETED, field, parentType + " " + parentUid + " was deleted at "
                        + parent.deletedAt + "; a " + table.typeName() + " cannot reference a deleted " + parentType);
            }
        }
        return null;
    }

    /**
     * Inserts a new row or writes the changes of a managed one now (cascades included), and reads
     * back the version the database gave it.
     */
    public void write(SyncedEntity row, boolean created) {
        stage(row, created);
        em.flush();
        em.refresh(row);
    }

    /**
     * Like {@link #write}, but leaves the SQL to the caller's next flush, so many rows go in JDBC
     * batches; the in-memory version is stale until the row is read again.
     */
    public void stage(SyncedEntity row, boolean created) {
        if (created) {
            em.persist(row);
        }
    }
}
