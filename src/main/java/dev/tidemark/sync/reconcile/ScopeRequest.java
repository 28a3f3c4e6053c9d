package dev.tidemark.sync.reconcile;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tidemark.sync.cursor.ScopeStamp;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;

/**
 * One scope of a sync, validated.
 *
 * @param id the client's name for it
 * @param table the table
 * @param condition the parsed where
 * @param held uid → version of the rows the client holds unchanged, listed one by one
 * @param digest the same as bucket checksums ({@link HeldDigest}), or null when {@code held} lists them
 * @param changes the client's offline changes in this scope
 * @param page a page of the scope's live rows to read instead of a reconcile, or null
 * @param stamp the stamp of the scope's last sync, or null: a reconnect answered from the change log when it can be
 * @param verify whether the client asks for the whole scope to be compared even with a stamp
 * @param path input path for errors
 */
public record ScopeRequest(String id, SyncTable table, Condition condition, Map<UUID, Long> held, HeldDigest digest,
        List<ClientChange> changes, ScopePage page, ScopeStamp stamp, boolean verify,
        String path) {
}
