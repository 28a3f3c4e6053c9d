package dev.tidemark.sync.reconcile;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.time.ServerClock;
import dev.tidemark.sync.where.ScopeMatcher;
import dev.tidemark.sync.write.Refusal;
import dev.tidemark.sync.write.RowWriter;
import dev.tidemark.sync.write.SyncReason;
import dev.tidemark.sync.write.WriteRules;

/**
 * Applies a sync's offline changes, row by row, in the caller's transaction, and says what became
 * of each. The outcome depends only on versions and the server's clock, never on the order the
 * client sent rows in nor on when other transactions committed (I3):
 *
 * <ul>
 * <li>base version = server version: no concurrent change, applied;</li>
 * <li>otherwise a conflict: a tombstone wins over an update (unless the table's
 * {@code @ConflictPolicy} says otherwise), two updates are decided by last-writer-wins on
 * {@code updatedAt} clamped to server time, ties keep the server's row;</li>
 * <li>a row must be in the scope it is sent in, before (server row) and, for a new row, after;
 * a new row may not take a uid that exists outside the scope;</li>
 * <li>a live row's references must be live (I6);</li>
 * <li>the scope's condition includes the caller's row policy, so a row the caller cannot see is
 * out of scope, and the new values of an insert or update must match the policy's write rule.</li>
 * </ul>
 *
 * Writes go parents first (the registry's dependency order), and deletions of existing rows last,
 * so a row and its parent created in one sync insert in the right order and cascades see every
 * join row this sync created.
 */
@ApplicationScoped
public class ChangeApplier {

    @Inject
    RowWriter rows;

    @Inject
    ScopeMatcher matcher;

    @Inject
    SyncRegistry registry;

    @Inject
    ServerClock clock;

    @Inject
    EntityManager em;

    @Inject
    WriteRules rules;

    /**
     * Applies every change of every scope as {@code who}; returns, per scope in request order, what
     * became of its changes.
     */
    public List<ChangeResults> applyAll(List<ScopeRequest> scopes, OffsetDateTime now, Identity who) {
        record Pending(int scope, ClientChange change) {
        }
        Map<Class<?>, Integer> rank = new HashMap<>();
        List<SyncTable> order = registry.inDependencyOrder();
        for (int i = 0; i < order.size(); i++) {
            rank.put(order.get(i).entityClass(), i);
        }
        List<Pending> pending = new ArrayList<>();
        for (int s = 0; s < scopes.size(); s++) {
            for (ClientChange change : scopes.get(s).changes()) {
                pending.add(new Pending(s, change));
            }
        }
        pending.sort(Comparator.comparingInt((Pending p) -> deletesExisting(p.change()) ? 1 : 0)
                .thenComparingInt(p -> rank.get(scopes.get(p.scope()).table().entityClass())));

        List<ChangeResults> results = new ArrayList<>();
        scopes.forEach(s -> results.add(ChangeResults.empty()));
        Map<String, Refusal> done = new HashMap<>();
        // One group per (phase, table): its rows and their parents are locked with a few queries,
        // written, then flushed together, before the next table's rows need them.
        Map<String, List<Pending>> groups = new java.util.LinkedHashMap<>();
        for (Pending p : pending) {
            groups.computeIfAbsent((deletesExisting(p.change()) ? "1/" : "0/") + scopes.get(p.scope()).table().typeName(),
                    k -> new ArrayList<>()).add(p);
        }
        for (List<Pending> group : groups.values()) {
            SyncTable table = scopes.get(group.get(0).scope()).table();
            // Parents first, then the rows, like the online save and the cascade (a delete locks the
            // parent, then its children): the other order deadlocked with a concurrent parent delete.
            rows.lockParentsOf(table, group.stream().map(p -> (Object) p.change().values()).toList());
            rows.lockAll(table.entityClass(), group.stream().map(p -> p.change().uid()).toList(), LockModeType.PESSIMISTIC_WRITE);
            for (Pending p : group) {
                ScopeRequest scope = scopes.get(p.scope());
                String key = scope.table().typeName() + "/" + p.change().uid();
                Refusal refusal = done.containsKey(key) ? done.get(key) : apply(scope, p.change(), now, who);
                done.put(key, refusal);
                ChangeResults result = results.get(p.scope());
                if (refusal == null) {
                    result.applied().add(p.change().uid());
                } else {
                    result.rejected().add(new SyncRejection(p.change().uid().toString(), refusal.reason(), refusal.field(),
                            refusal.message()));
                }
            }
            em.flush();
        }
        return results;
    }

    private static boolean deletesExisting(ClientChange change) {
        return change.deletes() && change.baseVersion() != null;
    }

    private Refusal apply(ScopeRequest scope, ClientChange change, OffsetDateTime now, Identity who) {
        SyncTable table = scope.table();
        SyncedEntity row = rows.lock(table.entityClass(), change.uid());
        if (row == null) {
            return insert(scope, change, now, who);
        }
        if (!matcher.matches(scope.condition(), row)) {
            return change.baseVersion() == null
                    ? refuse(SyncReason.UID_TAKEN, change.path() + ".uid", table.typeName() + " " + change.uid()
                            + " already exists outside this scope; make a new uid for a new row")
                    : refuse(SyncReason.OUT_OF_SCOPE, change.path(), table.typeName() + " " + change.uid()
                            + " is not in this scope (any more); it is dropped from your cache");
        }
        boolean concurrent = change.baseVersion() == null || change.baseVersion() != row.version;
        Refusal conflict = resolve(table, change, row, concurrent, now);
        if (conflict != null || (row.isDeleted() && change.deletes())) {
            return conflict; // refused, or both sides deleted it: nothing to write
        }
        if (change.deletes()) {
            rules.tombstone(row, change.deletedAt(), now);
        } else {
            row.deletedAt = null;
            rules.assign(table, change.values(), row, change.path(), now);
            Refusal refusal = check(table, row, change, who);
            if (refusal != null) {
                em.refresh(row); // forget the values just copied: this row is not written
                return refusal;
            }
        }
        rows.stage(row, false);
        return null;
    }

    /** Null when the client's change may be written over the server's row, else why not. */
    private Refusal resolve(SyncTable table, ClientChange change, SyncedEntity row, boolean concurrent, OffsetDateTime now) {
        String name = table.typeName() + " " + change.uid();
        if (row.isDeleted()) {
            if (change.deletes()) {
                return null;
            }
            if (!concurrent || table.deleteWins()) {
                return refuse(SyncReason.ROW_DELETED, change.path(), name + " was deleted at " + row.deletedAt
                        + (concurrent ? " while you changed it; deletes win over updates" : "; a deleted row cannot change"));
            }
        } else if (!concurrent || (change.deletes() && table.deleteWins())) {
            return null;
        }
        OffsetDateTime clientTime = change.deletes() ? clock.deletedAt(change.deletedAt(), row.createdAt, now)
                : clock.clamp(change.values().updatedAt, now);
        if (clientTime.isAfter(row.updatedAt)) {
            return null;
        }
        return refuse(SyncReason.CONFLICT_LOST, change.path() + ".updatedAt", name + " was changed on the server at "
                + row.updatedAt + " (version " + row.version + "), after your change at " + clientTime
                + "; last writer wins, the server's row is sent back");
    }

    private Refusal insert(ScopeRequest scope, ClientChange change, OffsetDateTime now, Identity who) {
        SyncTable table = scope.table();
        if (change.baseVersion() != null) {
            return refuse(SyncReason.DELETED_ON_SERVER, change.path() + ".baseVersion", table.typeName() + " "
                    + change.uid() + " no longer exists on the server (deleted, then purged); it is dropped");
        }
        SyncedEntity row = rules.create(table.entityClass(), change.uid(), change.values().createdAt, who, now);
        rules.assign(table, change.values(), row, change.path(), now);
        if (change.deletes()) {
            rules.tombstone(row, change.deletedAt(), now);
        }
        if (!matcher.matches(scope.condition(), row)) {
            return refuse(SyncReason.OUT_OF_SCOPE, change.path(), "the new " + table.typeName() + " " + change.uid()
                    + " does not match the where of the scope it was sent in; send it in a scope it belongs to");
        }
        Refusal refusal = check(table, row, change, who);
        if (refusal != null) {
            return refusal;
        }
        rows.stage(row, true);
        return null;
    }

    /** The write rules' verdict on the row's new values (write policy, then parents). */
    private Refusal check(SyncTable table, SyncedEntity row, ClientChange change, Identity who) {
        return rules.check(table, row, who, change.path(), table.typeName() + " (" + change.uid() + ")");
    }

    private static Refusal refuse(SyncReason reason, String field, String message) {
        return new Refusal(reason, field, message);
    }
}
