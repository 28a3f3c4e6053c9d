package dev.tidemark.sync.reconcile;

import java.util.List;

import dev.tidemark.sync.cursor.SyncCursor;

/**
 * The engine's answer to a sync.
 *
 * @param syncId the sync's id
 * @param cursor the client's next cutoff; events older than it are already reflected
 * @param replayed whether this id was seen before (nothing was applied again)
 * @param scopes one outcome per requested scope, in request order
 */
public record SyncOutcome(String syncId, SyncCursor cursor, boolean replayed, List<ScopeOutcome> scopes) {
}
