package dev.tidemark.sync.realtime.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.tidemark.sync.where.RowImage;
import dev.tidemark.sync.where.RowMatcher;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.realtime.ChangeOperation;
import dev.tidemark.sync.realtime.changelog.ChangeBatch;
import dev.tidemark.sync.realtime.changelog.ChangedRow;

/**
 * Decides, once per group and batch, which events a scope gets: the rows of its table that the
 * batch wrote, plus the rows that moved in or out because a parent or child one relation away
 * changed. Each candidate is matched as it was before the batch and as it is now:
 * now and live → UPSERT; a tombstone that matched before or now → DELETE; matched before but no
 * more → LEAVE_SCOPE. A change two or more relations away gives one RESYNC.
 */
final class ScopeEvaluator {

    /** A row whose membership of the scope may have changed in this batch ({@code between}: see {@link ChangedRow#between}). */
    private record Candidate(RowImage before, RowImage now, long position, boolean written, List<RowImage> between) {

        Candidate(RowImage before, RowImage now, long position, boolean written) {
            this(before, now, position, written, List.of());
        }
    }

    private ScopeEvaluator() {
    }

    static List<ChangeEvent<?>> events(ScopeGroup group, ChangeBatch batch) {
        if (group.parents.isEmpty() && group.children.isEmpty()) {
            return ownRowsOnly(group, batch);
        }
        Map<UUID, Candidate> candidates = new LinkedHashMap<>();
        for (ChangedRow row : batch.rowsOf(group.table().tableName()).values()) {
            candidates.put(row.now().uid(), new Candidate(row.before(), row.now(), row.position(), true, row.between()));
        }
        addParentMoves(group, batch, candidates);
        addChildMoves(group, batch, candidates);
        List<Candidate> ordered = new ArrayList<>(candidates.values());
        ordered.sort(Comparator.comparingLong(Candidate::position));
        List<ChangeEvent<?>> events = new ArrayList<>();
        for (Candidate candidate : ordered) {
            ChangeEvent<?> event = decide(group, batch, candidate);
            if (event != null) {
                events.add(event);
            }
        }
        if (group.deepTables.stream().anyMatch(t -> !batch.rowsOf(t).isEmpty())) {
            events.add(ChangeEvent.signal(ChangeOperation.RESYNC, batch.cursor));
        }
        return events;
    }

    /**
     * The events of a group whose candidate rows are known ({@link ScopeIndex}): {@code rows} of its
     * table, in batch order; null means every row of the batch.
     */
    static List<ChangeEvent<?>> events(ScopeGroup group, ChangeBatch batch, Collection<ChangedRow> rows) {
        if (rows == null || !group.parents.isEmpty() || !group.children.isEmpty()) {
            return events(group, batch);
        }
        return ownRowsOnly(group, batch, rows);
    }

    /** The common case, kept free of allocations when nothing matches: no relation in the where. */
    private static List<ChangeEvent<?>> ownRowsOnly(ScopeGroup group, ChangeBatch batch) {
        return ownRowsOnly(group, batch, batch.rowsOf(group.table().tableName()).values());
    }

    private static List<ChangeEvent<?>> ownRowsOnly(ScopeGroup group, ChangeBatch batch, Collection<ChangedRow> rows) {
        List<ChangeEvent<?>> events = null;
        for (ChangedRow row : rows) {
            ChangeEvent<?> event = decide(group, batch, new Candidate(row.before(), row.now(), row.position(), true, row.between()));
            if (event != null) {
                events = events == null ? new ArrayList<>(2) : events;
                events.add(event);
            }
        }
        if (!group.deepTables.isEmpty() && group.deepTables.stream().anyMatch(t -> !batch.rowsOf(t).isEmpty())) {
            events = events == null ? new ArrayList<>(1) : events;
            events.add(ChangeEvent.signal(ChangeOperation.RESYNC, batch.cursor));
        }
        return events == null ? List.of() : events;
    }

    private static ChangeEvent<?> decide(ScopeGroup group, ChangeBatch batch, Candidate candidate) {
        Condition scope = group.condition();
        boolean now = RowMatcher.matches(scope, candidate.now(), batch.now);
        boolean before = candidate.before() != null && RowMatcher.matches(scope, candidate.before(), batch.before);
        // In scope in a state between two writes of the batch: a client that synced then holds it.
        for (int i = 0; !before && i < candidate.between().size(); i++) {
            before = RowMatcher.matches(scope, candidate.between().get(i), batch.before);
        }
        ChangeOperation operation = null;
        if (!candidate.now().live()) {
            operation = candidate.written() && (now || before) ? ChangeOperation.DELETE : null;
        } else if (now && (candidate.written() || !before)) {
            operation = ChangeOperation.UPSERT;
        } else if (!now && before) {
            operation = ChangeOperation.LEAVE_SCOPE;
        }
        if (operation == null) {
            return null;
        }
        SyncedEntity entity = batch.now.entity(group.table(), candidate.now().uid());
        return operation == ChangeOperation.LEAVE_SCOPE
                ? ChangeEvent.without(operation, entity, batch.cursor)
                : ChangeEvent.of(operation, entity, batch.cursor);
    }

    /** A parent whose match flipped moves its live children in or out (a document changing owner). */
    private static void addParentMoves(ScopeGroup group, ChangeBatch batch, Map<UUID, Candidate> candidates) {
        for (Condition.Parent parent : group.parents) {
            for (ChangedRow row : batch.rowsOf(parent.target().tableName()).values()) {
                boolean was = row.before() != null && RowMatcher.matches(parent.condition(), row.before(), batch.before);
                boolean is = RowMatcher.matches(parent.condition(), row.now(), batch.now);
                if (was != is) {
                    for (RowImage child : batch.now.liveChildren(group.table(), parent.relation(), row.now().uid())) {
                        candidates.putIfAbsent(child.uid(), new Candidate(child, child, row.position(), false));
                    }
                }
            }
        }
    }

    /** A child whose match or parent changed may move its parents in or out (a membership added). */
    private static void addChildMoves(ScopeGroup group, ChangeBatch batch, Map<UUID, Candidate> candidates) {
        SyncTable table = group.table();
        for (Condition.Children children : group.children) {
            String key = children.back().foreignKey().field();
            for (ChangedRow row : batch.rowsOf(children.child().tableName()).values()) {
                RowImage old = row.before();
                boolean was = old != null && old.live() && RowMatcher.matches(children.condition(), old, batch.before);
                boolean is = row.now().live() && RowMatcher.matches(children.condition(), row.now(), batch.now);
                Object oldParent = old == null ? null : old.get(key);
                if (was == is && Objects.equals(oldParent, row.now().get(key))) {
                    continue;
                }
                for (Object parentUid : new Object[] { oldParent, row.now().get(key) }) {
                    RowImage parentRow = parentUid == null ? null : batch.now.parent(table, (UUID) parentUid);
                    if (parentRow != null) {
                        candidates.putIfAbsent(parentRow.uid(), new Candidate(parentRow, parentRow, row.position(), false));
                    }
                }
            }
        }
    }
}
