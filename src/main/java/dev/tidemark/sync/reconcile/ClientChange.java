package dev.tidemark.sync.reconcile;

import java.time.OffsetDateTime;
import java.util.UUID;

import dev.tidemark.sync.write.SyncedInput;

/**
 * A row the client changed offline: its new values, the version they were based on, and its
 * tombstone if it deleted the row.
 *
 * @param uid the row
 * @param baseVersion version the client changed; null for a row created offline
 * @param deletedAt when the client deleted it, or null
 * @param values the client's values (a table's change input)
 * @param path input path for errors
 */
public record ClientChange(UUID uid, Long baseVersion, OffsetDateTime deletedAt, SyncedInput values, String path) {

    public boolean deletes() {
        return deletedAt != null;
    }
}
