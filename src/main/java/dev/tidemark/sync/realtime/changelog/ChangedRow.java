package dev.tidemark.sync.realtime.changelog;

import java.util.List;

import dev.tidemark.sync.where.RowImage;
import dev.tidemark.sync.entity.SyncedEntity;

/**
 * A row written in one batch of the change log: its state before the batch and now.
 *
 * @param before the row before its first write in the batch; null when the batch created it
 * @param now the row as committed (at the batch's snapshot)
 * @param entity the same row as an entity, for the events
 * @param position log id of its last write, to order events
 * @param between the states the row passed through between its writes of the batch (the old image of
 *        each later write), oldest first; empty when the batch wrote it once. A client that synced
 *        in between may hold one of them, so a row that matched in one of them and no longer does
 *        leaves the scope.
 */
public record ChangedRow(RowImage before, RowImage now, SyncedEntity entity, long position, List<RowImage> between) {

    public ChangedRow(RowImage before, RowImage now, SyncedEntity entity, long position) {
        this(before, now, entity, position, List.of());
    }
}
