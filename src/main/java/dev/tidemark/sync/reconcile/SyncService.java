package dev.tidemark.sync.reconcile;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.metrics.SyncMetrics;
import dev.tidemark.sync.write.DeadlockRetry;

/** Runs a sync ({@link SyncTransaction}), again if the database aborted it for a deadlock. */
@ApplicationScoped
public class SyncService {

    @Inject
    SyncTransaction transaction;

    @Inject
    SyncMetrics metrics;

    public SyncOutcome sync(SyncRequest request) {
        long start = metrics.startSync();
        boolean ok = false;
        try {
            SyncOutcome outcome = DeadlockRetry.run("sync " + request.syncId(), () -> transaction.run(request));
            if (!outcome.replayed()) {
                outcome.scopes().forEach(scope -> scope.rejected().forEach(r -> metrics.rejected(r.reason)));
            }
            ok = true;
            return outcome;
        } finally {
            metrics.syncEnded(start, ok);
        }
    }
}
