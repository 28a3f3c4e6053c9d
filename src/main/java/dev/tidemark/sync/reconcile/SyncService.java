package dev.tidemark.sync.reconcile;

import java.sql.SQLException;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

/**
 * Runs a sync, retrying it (a few times, whole) when PostgreSQL aborted it to break a deadlock
 * or a serialization conflict with another transaction: two clients syncing overlapping rows at
 * once must both succeed, not hand one of them a server error. A retry is safe because the failed
 * attempt wrote nothing, its replay record included.
 */
@ApplicationScoped
public class SyncService {

    static final int ATTEMPTS = 3;
    private static final Set<String> RETRYABLE = Set.of("40P01", "40001"); // deadlock_detected, serialization_failure
    private static final Logger LOG = Logger.getLogger(SyncService.class);

    @Inject
    SyncTransaction transaction;

    public SyncOutcome sync(SyncRequest request) {
        for (int attempt = 1;; attempt++) {
            try {
                return transaction.run(request);
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !retryable(e)) {
                    throw e;
                }
                LOG.debugf("sync %s aborted by the database (%s), attempt %d of %d", request.syncId(), e, attempt, ATTEMPTS);
            }
        }
    }

    /** Whether the failure is the database's way of saying "run me again": a deadlock or serialization failure. */
    static boolean retryable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && RETRYABLE.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
