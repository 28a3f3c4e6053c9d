package dev.tidemark.sync.write;

import java.lang.reflect.Field;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.InvalidInputException;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.WhereParser;

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
        for (Field field : input.getClass().getFields()) {
            SyncColumn column = table.column(field.getName());
            if (column == null || column.system() || column.field().equals("uid")) {
                continue;
            }
            String fieldPath = path + "." + column.field();
            Object value = read(field, input);
            if (value == null && !column.nullable()) {
                throw new InvalidInputException(fieldPath, "is required for " + table.typeName());
            }
            if (value != null && column.type() == UUID.class) {
                value = WhereParser.parseUuid(value.toString(), fieldPath);
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

    /** Inserts a new row or writes the changes of a managed one, so versions and cascades happen now. */
    public void write(SyncedEntity row, boolean created) {
        if (created) {
            em.persist(row);
        }
        em.flush();
    }

    private static Object read(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
