package dev.tidemark.sync.write;

import java.lang.reflect.Field;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.entity.CreatedBy;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.policy.RowPolicies;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.time.ServerClock;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.ScopeMatcher;

/**
 * The rules every write of a client's row follows, online ({@link OnlineWriteTransaction}) and in
 * a sync ({@code ChangeApplier}) alike: a new row gets its {@link CreatedBy} column stamped and the
 * client's {@code createdAt} clamped to server time; the input's columns are copied; {@code
 * updatedAt} is the client's, clamped, never before {@code createdAt}; a tombstone's {@code
 * deletedAt} is clamped too; and the new values must pass the table's write policy and point at
 * parents that exist (and are live, for a live row: I6). Locking, versions and conflicts are the
 * callers'.
 */
@ApplicationScoped
public class WriteRules {

    @Inject
    RowWriter rows;

    @Inject
    ServerClock clock;

    @Inject
    RowPolicies policies;

    @Inject
    ScopeMatcher matcher;

    @Inject
    SyncRegistry registry;

    private volatile Map<SyncTable, SyncColumn> creators;

    /** A new row {@code uid}, made by {@code who}: its creator stamped, its {@code createdAt} the client's clamped to {@code now}. */
    public <T extends SyncedEntity> T create(Class<T> type, UUID uid, OffsetDateTime clientCreatedAt, Identity who,
            OffsetDateTime now) {
        T row = rows.newRow(type, uid);
        SyncColumn creator = creators().get(registry.tableOf(row));
        if (creator != null) {
            Columns.write(row, creator, who.user()); // null for an admin without a uid
        }
        row.createdAt = clock.clamp(clientCreatedAt, now);
        return row;
    }

    /** Copies the columns {@code values} names into {@code row}, and its {@code updatedAt} (clamped, never before {@code createdAt}). */
    public void assign(SyncTable table, SyncedInput values, SyncedEntity row, String path, OffsetDateTime now) {
        rows.copyColumns(table, values, row, path);
        row.updatedAt = latest(clock.clamp(values.updatedAt, now), row.createdAt);
    }

    /** Makes {@code row} a tombstone deleted at the client's {@code deletedAt} (null: now), clamped. */
    public void tombstone(SyncedEntity row, OffsetDateTime clientDeletedAt, OffsetDateTime now) {
        row.deletedAt = clock.deletedAt(clientDeletedAt, row.createdAt, now);
        row.updatedAt = latest(row.deletedAt, row.updatedAt);
    }

    /**
     * Null when {@code who} may write {@code row}'s new values and its references allow them; else
     * why not: FORBIDDEN by the write policy, PARENT_NOT_FOUND, or PARENT_DELETED for a live row.
     * {@code name} is how the message calls the row.
     */
    public Refusal check(SyncTable table, SyncedEntity row, Identity who, String path, String name) {
        Condition allowed = policies.write(table, who);
        if (!allowed.equals(Condition.TRUE) && !matcher.matches(allowed, row)) {
            return new Refusal(SyncReason.FORBIDDEN, path, "your row policy does not let you write this " + name
                    + " with these values; see the table's @RowPolicy");
        }
        return row.isDeleted() ? rows.checkParentsExist(table, row, path) : rows.checkParents(table, row, path);
    }

    private static OffsetDateTime latest(OffsetDateTime a, OffsetDateTime b) {
        return a.isBefore(b) ? b : a;
    }

    /** The {@link CreatedBy} column of each table that has one (declared fields: Hibernate makes public fields private). */
    private Map<SyncTable, SyncColumn> creators() {
        Map<SyncTable, SyncColumn> result = creators;
        if (result == null) {
            Map<SyncTable, SyncColumn> found = new HashMap<>();
            for (SyncTable table : registry.all()) {
                for (Class<?> c = table.entityClass(); c != null; c = c.getSuperclass()) {
                    for (Field field : c.getDeclaredFields()) {
                        if (field.isAnnotationPresent(CreatedBy.class)) {
                            found.put(table, table.column(field.getName()));
                        }
                    }
                }
            }
            result = Map.copyOf(found);
            creators = result;
        }
        return result;
    }
}
