package dev.tidemark.sync.write;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.entity.SyncedEntity;

/** Online writes (the save and delete mutations), each run again if the database aborted it for a deadlock. */
@ApplicationScoped
public class SyncWriteService {

    @Inject
    OnlineWriteTransaction transaction;

    /** Inserts or updates the row {@code input.uid}; see {@link OnlineWriteTransaction#save}. */
    public <T extends SyncedEntity> T save(Class<T> type, SyncedInput input) {
        return DeadlockRetry.run("save " + input.uid, () -> transaction.save(type, input));
    }

    /** Tombstones the row and cascades; see {@link OnlineWriteTransaction#delete}. */
    public <T extends SyncedEntity> T delete(Class<T> type, String uid) {
        return DeadlockRetry.run("delete " + uid, () -> transaction.delete(type, uid));
    }
}
