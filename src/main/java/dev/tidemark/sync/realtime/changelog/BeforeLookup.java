package dev.tidemark.sync.realtime.changelog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tidemark.sync.where.RelationLookup;
import dev.tidemark.sync.where.RowImage;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncTable;

/**
 * Related rows as they were before the batch: rows the batch changed are seen with their old
 * image (or as absent when the batch created them), every other row as committed.
 */
public final class BeforeLookup implements RelationLookup {

    private final RelationLookup now;
    private final Map<String, Map<UUID, ChangedRow>> changed;

    BeforeLookup(RelationLookup now, Map<String, Map<UUID, ChangedRow>> changed) {
        this.now = now;
        this.changed = changed;
    }

    @Override
    public RowImage parent(SyncTable target, UUID uid) {
        ChangedRow row = changed.getOrDefault(target.tableName(), Map.of()).get(uid);
        return row != null ? row.before() : now.parent(target, uid);
    }

    @Override
    public List<RowImage> liveChildren(SyncTable child, ParentRelation back, UUID parentUid) {
        Map<UUID, ChangedRow> changedChildren = changed.getOrDefault(child.tableName(), Map.of());
        String key = back.foreignKey().field();
        List<RowImage> result = new ArrayList<>();
        for (RowImage row : now.liveChildren(child, back, parentUid)) {
            if (!changedChildren.containsKey(row.uid())) {
                result.add(row);
            }
        }
        for (ChangedRow row : changedChildren.values()) {
            RowImage before = row.before();
            if (before != null && before.live() && parentUid.equals(before.get(key))) {
                result.add(before);
            }
        }
        return result;
    }
}
