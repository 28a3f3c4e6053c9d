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
 * @param stamp the scope's stamp for its next reconnect (encoded), null for a page
 * @param source how the scope was answered
 * @param fallback why it was compared whole, null when answered from the change log or paged
 */
public record ScopeOutcome(String id, List<SyncedEntity> upserts, List<UUID> drops, List<UUID> applied,
        List<SyncRejection> rejected, List<Integer> refreshedBuckets, PageOutcome page, String stamp, AnswerSource source,
        FallbackReason fallback) {

    /** This outcome with its stamp and how it was answered. */
    ScopeOutcome with(String stamp, AnswerSource source, FallbackReason fallback) {
        return new ScopeOutcome(id, upserts, drops, applied, rejected, refreshedBuckets, page, stamp, source, fallback);
    }

    @SuppressWarnings("unchecked")
    public <T extends SyncedEntity> List<T> upserts(Class<T> type) {
        return (List<T>) (List<?>) upserts;
    }
}
