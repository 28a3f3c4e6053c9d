package dev.tidemark.sync.realtime.changelog;

import dev.tidemark.sync.where.RowImage;
import dev.tidemark.sync.entity.SyncedEntity;

/**
 * A row written in one batch of the change log: its state before the batch and now.
 *
 * @param before the row before its first write in the batch; null when the batch created it
 * @param now the row as committed (at the batch's snapshot)
 * @param entity the same row as an entity, for the events
 * @param position log id of its last write, to order events
 */
public record ChangedRow(RowImage before, RowImage now, SyncedEntity entity, long position) {
}
