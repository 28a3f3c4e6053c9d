package dev.tidemark.sync.reconcile;

import java.util.List;
import java.util.UUID;

import dev.tidemark.sync.entity.SyncedEntity;

/**
 * The engine's answer for one scope.
 *
 * @param id the client's name for the scope
 * @param upserts rows the client must store (tombstones included)
 * @param drops uids the client must remove
 * @param applied uids of the client's changes that were applied
 * @param rejected the client's changes that were refused or overridden
 * @param refreshedBuckets with a held digest: the buckets whose rows are all in {@code upserts}; else null
 * @param page for a paged scope: whether more rows follow and where the page ended; else null
 */
public record ScopeOutcome(String id, List<SyncedEntity> upserts, List<UUID> drops, List<UUID> applied,
        List<SyncRejection> rejected, List<Integer> refreshedBuckets, PageOutcome page) {

    @SuppressWarnings("unchecked")
    public <T extends SyncedEntity> List<T> upserts(Class<T> type) {
        return (List<T>) (List<?>) upserts;
    }
}
