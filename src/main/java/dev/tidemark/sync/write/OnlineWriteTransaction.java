package dev.tidemark.sync.write;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.ForbiddenException;
import dev.tidemark.sync.error.NotFoundException;
import dev.tidemark.sync.error.ParentDeletedException;
import dev.tidemark.sync.error.ParentNotFoundException;
import dev.tidemark.sync.error.RowDeletedException;
import dev.tidemark.sync.policy.RowPolicies;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.schema.Uuids;
import dev.tidemark.sync.time.ServerClock;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.ScopeMatcher;

/**
 * One online write, in one transaction: upsert by client uid, or tombstone, by the same
 * {@link WriteRules} as a sync. A refused write throws a {@code SyncInputException} and writes
 * nothing; a row the caller's row policy hides, or new values it does not allow, are refused with
 * FORBIDDEN. Tombstones cascade through the entity listener, so the rows a delete hides are hidden
 * in the same transaction.
 */
@ApplicationScoped
public class OnlineWriteTransaction {

    @Inject
    RowWriter rows;

    @Inject
    WriteRules rules;

    @Inject
    SyncRegistry registry;

    @Inject
    ServerClock clock;

    @Inject
    RowPolicies policies;

    @Inject
    ScopeMatcher matcher;

    @Inject
    Caller caller;

    /**
     * Inserts or updates the row {@code input.uid} with every column the input names. Refuses to
     * change a tombstone, and to point a reference at a missing or tombstoned parent (I6).
     */
    @Transactional
    public <T extends SyncedEntity> T save(Class<T> type, SyncedInput input) {
        // Resolved before any lock is waited for: the request's context ends if the client hangs up.
        Identity who = caller.identity();
        SyncTable table = registry.table(type);
        UUID uid = Uuids.parse(input.uid, "input.uid");
        OffsetDateTime now = clock.now();
        // Parents first, like sync and the cascade (a delete locks the parent, then its children):
        // locking the row first and its parent after deadlocked with a concurrent delete of that parent.
        rows.lockParentsOf(table, List.of(input));
        T row = rows.lock(type, uid);
        boolean created = row == null;
        if (created) {
            row = rules.create(type, uid, input.createdAt, who, now);
        } else if (!readable(table, row, who)) {
            throw new ForbiddenException("input.uid", table.typeName() + " " + uid + " already exists and is not "
                    + "yours to change; a new row needs a new uid");
        } else if (row.isDeleted()) {
            throw new RowDeletedException("input.uid", table.typeName() + " " + uid + " was deleted at " + row.deletedAt
                    + " and cannot be changed; create a new row with a new uid");
        }
        rules.assign(table, input, row, "input", now);
        throwIfRefused(rules.check(table, row, who, "input", table.typeName()));
        rows.write(row, created);
        return row;
    }

    /** Tombstones the row (idempotent: a tombstone stays as it is) and cascades to its join rows. */
    @Transactional
    public <T extends SyncedEntity> T delete(Class<T> type, String uidText) {
        Identity who = caller.identity(); // before the lock, as in save
        SyncTable table = registry.table(type);
        UUID uid = Uuids.parse(uidText, "uid");
        T row = rows.lock(type, uid);
        if (row == null) {
            throw new NotFoundException("uid", "no " + table.typeName() + " has uid " + uid);
        }
        if (!readable(table, row, who)) {
            throw new ForbiddenException("uid", table.typeName() + " " + uid + " is not yours to delete");
        }
        if (!row.isDeleted()) {
            rules.tombstone(row, null, clock.now());
            rows.write(row, false);
        }
        return row;
    }

    /** Whether the stored row is one the caller may see (and so change). */
    private boolean readable(SyncTable table, SyncedEntity row, Identity who) {
        Condition visible = policies.read(table, who);
        return visible.equals(Condition.TRUE) || matcher.matches(visible, row);
    }

    private static void throwIfRefused(Refusal refusal) {
        if (refusal == null) {
            return;
        }
        if (refusal.reason() == SyncReason.FORBIDDEN) {
            throw new ForbiddenException(refusal.field(), refusal.message());
        }
        if (refusal.reason() == SyncReason.PARENT_NOT_FOUND) {
            throw new ParentNotFoundException(refusal.field(), refusal.message());
        }
        throw new ParentDeletedException(refusal.field(), refusal.message());
    }
}
