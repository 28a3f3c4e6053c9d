package dev.tidemark.sync.entity;

/**
 * What {@link TombstoneCascadeListener} runs around every write of a synced row, on every write
 * path: the {@link TombstoneCascade} rules, implemented by the write layer (which knows the tables
 * and their relations; this layer only knows the entities).
 */
public interface CascadeRules {

    /** Refuses a live row whose cascading parent is already a tombstone. */
    void requireLiveParents(SyncedEntity row);

    /** Tombstones, in the current transaction, the rows that cascade from a tombstoned {@code parent}. */
    void cascadeFrom(SyncedEntity parent);
}
