package dev.tidemark.sync.reconcile;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.write.DeadlockRetry;

/** Runs a sync ({@link SyncTransaction}), again if the database aborted it for a deadlock. */
@ApplicationScoped
public class SyncService {

    @Inject
    SyncTransaction transaction;

    public SyncOutcome sync(SyncRequest request) {
        return DeadlockRetry.run("sync " + request.syncId(), () -> transaction.run(request));
    }
}
