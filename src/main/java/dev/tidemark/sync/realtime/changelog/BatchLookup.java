package dev.tidemark.sync.realtime.changelog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.hibernate.StatelessSession;

import dev.tidemark.sync.where.RelationLookup;
import dev.tidemark.sync.where.RowImage;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncTable;

/**
 * The committed state of related rows, read once per batch in the batch's snapshot and cached:
 * parents by uid, live children by parent. {@link #prefetchParents} reads many keys in one query,
 * so scopes of every subscriber are matched from memory.
 */
public final class BatchLookup implements RelationLookup {

    private static final int CHUNK = 1000;
    private static final RowImage MISSING = new RowImage(null, Map.of());

    private final Supplier<StatelessSession> session;
    private final Map<String, Map<UUID, RowImage>> parents = new HashMap<>();
    private final Map<String, List<RowImage>> children = new HashMap<>();
    private final Map<String, SyncedEntity> entities = new HashMap<>();

    /**
     * A lookup reading through {@code session} (the tailer's read: no persistence context, nothing to
     * flush), opened on first use: a batch whose rows came with the read's opening and whose scopes
     * need no related row opens none.
     */
    BatchLookup(Supplier<StatelessSession> session) {
        this.session = session;
    }

    /** A lookup reading through an open {@code session}. */
    BatchLookup(StatelessSession session) {
        this(() -> session);
    }

    /** The session of the batch's read (open while the listener decides the batch). */
    StatelessSession session() {
        return session.get();
    }

    /** Records a row already read (the batch's changed rows) and returns its image. */
    RowImage remember(SyncTable table, SyncedEntity row) {
        RowImage image = RowImage.of(table, row);
        parents.computeIfAbsent(table.tableName(), t -> new HashMap<>()).put(row.uid, image);
        entities.put(table.tableName() + "#" + row.uid, row);
        return image;
    }

    /** The entity of a row this lookup has read. */
    public SyncedEntity entity(SyncTable table, UUID uid) {
        return entities.get(table.tableName() + "#" + uid);
    }

    /** Reads, in one query, every row of {@code table} among {@code uids} that is not cached yet. */
    public void prefetchParents(SyncTable table, Collection<UUID> uids) {
        Map<UUID, RowImage> cache = parents.computeIfAbsent(table.tableName(), t -> new HashMap<>());
        List<UUID> missing = uids.stream().filter(u -> u != null && !cache.containsKey(u)).distinct().toList();
        if (missing.isEmpty()) {
            return;
        }
        missing.forEach(u -> cache.put(u, MISSING));
        for (SyncedEntity row : rows(session.get(), table, missing)) {
            remember(table, row);
        }
    }

    /**
     * The rows of {@code table} among {@code uids}. One uid (a batch of one write, the usual case) by
     * the entity's single-id loader, whose SQL Hibernate builds once; more by the multi-id loader, a
     * thousand uids a statement ({@code uid = any(?)}), which builds its SQL AST on every call (a
     * query with {@code in :uids} was translated to SQL again on every call: a list parameter is not
     * cached).
     */
    static List<SyncedEntity> rows(StatelessSession session, SyncTable table, List<UUID> uids) {
        if (uids.size() == 1) {
            SyncedEntity row = session.get(table.entityClass(), uids.get(0));
            return row == null ? List.of() : List.of(row);
        }
        List<SyncedEntity> rows = new ArrayList<>(uids.size());
        for (int i = 0; i < uids.size(); i += CHUNK) {
            for (SyncedEntity row : session.getMultiple(table.entityClass(), uids.subList(i, Math.min(uids.size(), i + CHUNK)))) {
                if (row != null) {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    @Override
    public RowImage parent(SyncTable target, UUID uid) {
        prefetchParents(target, List.of(uid));
        RowImage image = parents.get(target.tableName()).get(uid);
        return image == MISSING ? null : image;
    }

    @Override
    public List<RowImage> liveChildren(SyncTable child, ParentRelation back, UUID parentUid) {
        return children.computeIfAbsent(child.tableName() + "#" + back.field() + "#" + parentUid, k -> {
            List<RowImage> rows = new ArrayList<>();
            for (SyncedEntity row : session.get().createSelectionQuery("select e from " + child.entityName() + " e where e."
                    + back.foreignKey().field() + " = :parent and e.deletedAt is null", child.entityClass())
                    .setParameter("parent", parentUid).getResultList()) {
                rows.add(remember(child, row));
            }
            return rows;
        });
    }
}
