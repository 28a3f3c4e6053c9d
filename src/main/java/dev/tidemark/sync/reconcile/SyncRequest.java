package dev.tidemark.sync.reconcile;

import java.util.List;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.cursor.SyncCursor;

/**
 * A whole sync: every scope of the client, applied in one transaction.
 *
 * @param syncId client-made id; a replay with the same id re-applies nothing
 * @param cutoff the cursor of the client's last sync or event, null for a first sync
 * @param identity who the sync acts for, resolved once when the request was read: the HTTP request's
 *        context may end (the client hung up) while the sync still runs, and its changes must
 *        still be applied, or not at all, as that identity
 * @param scopes the scopes, in the order the result lists them
 */
public record SyncRequest(String syncId, SyncCursor cutoff, Identity identity, List<ScopeRequest> scopes) {
}
