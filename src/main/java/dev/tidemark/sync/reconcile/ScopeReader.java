package dev.tidemark.sync.reconcile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

import org.hibernate.jpa.HibernateHints;

import dev.tidemark.sync.cursor.StampSource;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.JpqlRenderer;
import dev.tidemark.sync.where.JpqlScope;

/**
 * Compares one scope's rows on the server with what the client holds, row by row on versions, and
 * lists what the client must store and drop. Only {@code (uid, version, deletedAt)} of the scope
 * is streamed from the database; full rows are loaded only for the rows the client must store, so
 * the answer grows with the differences, not with the scope. Every change the client sent comes
 * back as an upsert (the row as the server now has it) or a drop.
 */
@ApplicationScoped
public class ScopeReader {

    static final int FETCH_SIZE = 2000;
    static final int CHUNK = 1000;

    @Inject
    EntityManager em;

    @Inject
    ScopePageReader pages;

    @Inject
    LogReconnect log;

    /**
     * Answers one scope: a page as asked; a stamped reconnect from the change log when it can
     * decide ({@link LogReconnect}); else the whole scope compared. {@code base} gives the scope
     * the stamp of its next reconnect.
     */
    public ScopeOutcome read(ScopeRequest scope, ChangeResults results, StampSource.Base base) {
        if (scope.page() != null) {
            return pages.read(scope);
        }
        String key = ScopeKey.of(scope.table(), scope.condition());
        String stamp = base.stamp(key).encode();
        LogReconnect.Attempt attempt = log.attempt(scope, key, base, results);
        if (attempt.outcome() != null) {
            return attempt.outcome().with(stamp, AnswerSource.CHANGE_LOG, null);
        }
        ScopeOutcome compared = scope.digest() == null ? readHeld(scope, results) : readDigest(scope, results);
        return compared.with(stamp, AnswerSource.COMPARISON, attempt.fallback());
    }

    /** The client listed every row it holds: compare versions uid by uid. */
    private ScopeOutcome readHeld(ScopeRequest scope, ChangeResults results) {
        Map<UUID, Long> known = new LinkedHashMap<>(scope.held());
        // Every change is answered with the server's row (upsert) or a drop, applied or not: null
        // forces the row out whatever its version, so the client never keeps a refused edit.
        scope.changes().forEach(change -> known.put(change.uid(), null));
        Set<UUID> send = new LinkedHashSet<>();
        Set<UUID> seen = new HashSet<>();
        try (Stream<Object[]> rows = versions(scope)) {
            rows.forEach(row -> {
                UUID uid = (UUID) row[0];
                long version = (Long) row[1];
                if (known.containsKey(uid)) {
                    seen.add(uid);
                    Long held = known.get(uid);
                    if (held == null || held != version) {
                        send.add(uid);
                    }
                } else if (row[2] == null) {
                    send.add(uid); // tombstones go only to clients that hold the row
                }
            });
        }
        return new ScopeOutcome(scope.id(), load(scope.table(), send), unseen(known.keySet(), seen), results.applied(),
                results.rejected(), null, null, null, AnswerSource.COMPARISON, null);
    }

    /**
     * The client sent bucket checksums of the live rows it holds ({@link HeldDigest}): compute the
     * same over the server's live rows of the scope, and send every row (tombstones included) of
     * each bucket that differs. Rows the client sent as changes are left out of both sides and
     * always answered, as in {@link #readHeld}. One pass over {@code (uid, version, deletedAt)};
     * only uids and buckets are kept, so memory grows by ~40 bytes per row of the scope.
     */
    private ScopeOutcome readDigest(ScopeRequest scope, ChangeResults results) {
        HeldDigest client = scope.digest();
        HeldDigest server = HeldDigest.empty(client.buckets());
        Set<UUID> changed = new HashSet<>();
        scope.changes().forEach(change -> changed.add(change.uid()));
        Set<UUID> send = new LinkedHashSet<>();
        Set<UUID> seen = new HashSet<>();
        List<UUID> uids = new ArrayList<>();
        IntList buckets = new IntList();
        try (Stream<Object[]> rows = versions(scope)) {
            rows.forEach(row -> {
                UUID uid = (UUID) row[0];
                if (changed.contains(uid)) {
                    seen.add(uid);
                    send.add(uid);
                    return;
                }
                int bucket = server.bucket(uid);
                if (row[2] == null) {
                    server.add(uid, (Long) row[1]);
                }
                uids.add(uid);
                buckets.add(bucket);
            });
        }
        boolean[] differs = new boolean[client.buckets()];
        List<Integer> refreshed = new ArrayList<>();
        for (int b = 0; b < differs.length; b++) {
            if (server.sum(b) != client.sum(b)) {
                differs[b] = true;
                refreshed.add(b);
            }
        }
        for (int i = 0; i < uids.size(); i++) {
            if (differs[buckets.get(i)]) {
                send.add(uids.get(i));
            }
        }
        return new ScopeOutcome(scope.id(), load(scope.table(), send), unseen(changed, seen), results.applied(),
                results.rejected(), refreshed, null, null, AnswerSource.COMPARISON, null);
    }

    /** The uids the client sent that the scope no longer has: the client drops them. */
    private static List<UUID> unseen(java.util.Collection<UUID> sent, Set<UUID> seen) {
        List<UUID> drops = new ArrayList<>();
        for (UUID uid : sent) {
            if (!seen.contains(uid)) {
                drops.add(uid);
            }
        }
        return drops;
    }

    /** A growable int array, so 100k bucket numbers are not 100k boxed Integers. */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int get(int index) {
            return values[index];
        }
    }

    private Stream<Object[]> versions(ScopeRequest scope) {
        JpqlScope where = JpqlRenderer.render(scope.condition());
        TypedQuery<Object[]> query = em.createQuery("select " + JpqlScope.ROOT + ".uid, " + JpqlScope.ROOT + ".version, "
                + JpqlScope.ROOT + ".deletedAt from " + scope.table().entityName() + " " + JpqlScope.ROOT + " where "
                + where.predicate(), Object[].class);
        query.setHint(HibernateHints.HINT_FETCH_SIZE, FETCH_SIZE);
        query.setHint(HibernateHints.HINT_READ_ONLY, true);
        return where.bind(query).getResultStream();
    }

    private List<SyncedEntity> load(SyncTable table, Set<UUID> uids) {
        List<SyncedEntity> rows = new ArrayList<>(uids.size());
        List<UUID> all = new ArrayList<>(uids);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            rows.addAll(em.createQuery("select e from " + table.entityName() + " e where e.uid in :uids order by e.createdAt, e.uid",
                    table.entityClass()).setParameter("uids", chunk).setHint(HibernateHints.HINT_READ_ONLY, true).getResultList());
        }
        return rows;
    }

}
