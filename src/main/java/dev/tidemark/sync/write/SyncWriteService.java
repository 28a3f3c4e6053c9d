package dev.tidemark.sync.write;

import java.lang.reflect.Field;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.InvalidInputException;
import dev.tidemark.sync.error.NotFoundException;
import dev.tidemark.sync.error.ParentDeletedException;
import dev.tidemark.sync.error.ParentNotFoundException;
import dev.tidemark.sync.error.RowDeletedException;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.time.ServerClock;
import dev.tidemark.sync.where.WhereParser;

/**
 * Online writes: upsert by client uid and tombstone. Each call is one transaction; a refused write
 * throws a {@code SyncInputException} and writes nothing. Tombstones cascade through the entity
 * listener, so the rows a delete hides are hidden in the same transaction.
 */
@ApplicationScoped
public class SyncWriteService {

    @Inject
    EntityManager em;

    @Inject
    SyncRegistry registry;

    @Inject
    ServerClock clock;

    /**
     * Inserts or updates the row {@code input.uid} with every column the input names. Refuses to
     * change a tombstone, and to point a reference at a missing or tombstoned parent (I6).
     */
    @Transactional
    public <T extends SyncedEntity> T save(Class<T> type, SyncedInput input) {
        SyncTable table = registry.table(type);
        UUID uid = WhereParser.parseUuid(input.uid, "input.uid");
        OffsetDateTime now = clock.now();
        T row = em.find(type, uid, LockModeType.PESSIMISTIC_WRITE);
        boolean created = row == null;
        if (created) {
            row = newInstance(type);
            row.uid = uid;
            row.createdAt = clock.clamp(input.createdAt, now);
        } else if (row.isDeleted()) {
            throw new RowDeletedException("input.uid", table.typeName() + " " + uid + " was deleted at " + row.deletedAt
                    + " and cannot be changed; create a new row with a new uid");
        }
        copyColumns(table, input, row);
        checkParents(table, row);
        row.updatedAt = latest(clock.clamp(input.updatedAt, now), row.createdAt);
        if (created) {
            em.persist(row);
        }
        em.flush();
        return row;
    }

    /** Tombstones the row (idempotent: a tombstone stays as it is) and cascades to its join rows. */
    @Transactional
    public <T extends SyncedEntity> T delete(Class<T> type, String uidText) {
        SyncTable table = registry.table(type);
        UUID uid = WhereParser.parseUuid(uidText, "uid");
        T row = em.find(type, uid, LockModeType.PESSIMISTIC_WRITE);
        if (row == null) {
            throw new NotFoundException("uid", "no " + table.typeName() + " has uid " + uid);
        }
        if (!row.isDeleted()) {
            OffsetDateTime now = clock.now();
            row.deletedAt = now;
            row.updatedAt = latest(now, row.updatedAt);
            em.flush();
        }
        return row;
    }

    private static void copyColumns(SyncTable table, SyncedInput input, SyncedEntity row) {
        for (Field field : input.getClass().getFields()) {
            SyncColumn column = table.column(field.getName());
            if (column == null || column.system() || column.field().equals("uid")) {
                continue;
            }
            String path = "input." + column.field();
            Object value = read(field, input);
            if (value == null && !column.nullable()) {
                throw new InvalidInputException(path, "is required for " + table.typeName());
            }
            if (value != null && column.type() == UUID.class) {
                value = WhereParser.parseUuid(value.toString(), path);
            }
            Columns.write(row, column, value);
        }
    }

    /**
     * Each reference must name a live parent. The parent is read {@code FOR SHARE}, so a concurrent
     * delete of it waits for this transaction (and then cascades to this row), or has already
     * committed and is seen here; either way no live row is left pointing at a tombstone.
     */
    private void checkParents(SyncTable table, SyncedEntity row) {
        for (ParentRelation relation : table.parents().values()) {
            UUID parentUid = (UUID) Columns.read(row, relation.foreignKey());
            if (parentUid == null) {
                continue;
            }
            String path = "input." + relation.foreignKey().field();
            SyncedEntity parent = em.find(relation.target(), parentUid, LockModeType.PESSIMISTIC_READ);
            String parentType = registry.table(relation.target()).typeName();
            if (parent == null) {
                throw new ParentNotFoundException(path, "no " + parentType + " has uid " + parentUid);
            }
            if (parent.isDeleted()) {
                throw new ParentDeletedException(path, parentType + " " + parentUid + " was deleted at " + parent.deletedAt
                        + "; a " + table.typeName() + " cannot reference a deleted " + parentType);
            }
        }
    }

    private static OffsetDateTime latest(OffsetDateTime a, OffsetDateTime b) {
        return a.isBefore(b) ? b : a;
    }

    private static <T> T newInstance(Class<T> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public no-argument constructor", e);
        }
    }

    private static Object read(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
