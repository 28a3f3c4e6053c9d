package dev.tidemark.sync.realtime.changelog;

import java.util.UUID;

/**
 * One row of {@code sync_change}: a synced row written by transaction {@code tx}.
 *
 * @param id log position (for ordering within a batch only, never as a read watermark)
 * @param tx the writing transaction ({@code xid8})
 * @param table SQL table name
 * @param uid the row's uid
 * @param version the row's version after the write
 * @param oldRow the row before the write as JSON ({@code to_jsonb(old)}), null for an insert
 * @param changedAt when the writer wrote the entry (its clock_timestamp(), before its commit), for the lag metric
 */
record ChangeLogEntry(long id, long tx, String table, UUID uid, long version, String oldRow, java.time.Instant changedAt) {
}
