package dev.tidemark.sync.write;

import java.sql.SQLException;
import java.util.Set;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Runs a whole transaction again (a few times) when PostgreSQL aborted it to break a deadlock or
 * a serialization conflict: two clients writing overlapping rows at once (one deleting a group,
 * the other changing its memberships) must both get an answer, not a server error. Safe because
 * an aborted transaction wrote nothing. Call it outside the transaction it retries.
 */
public final class DeadlockRetry {

    static final int ATTEMPTS = 3;
    private static final Set<String> RETRYABLE = Set.of("40P01", "40001"); // deadlock_detected, serialization_failure
    private static final Logger LOG = Logger.getLogger(DeadlockRetry.class);

    private DeadlockRetry() {
    }

    public static <T> T run(String what, Supplier<T> transaction) {
        for (int attempt = 1;; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !retryable(e)) {
                    throw e;
                }
                LOG.debugf("%s aborted by the database (%s), attempt %d of %d", what, e, attempt, ATTEMPTS);
            }
        }
    }

    /** Whether the failure is the database's way of saying "run me again". */
    public static boolean retryable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && RETRYABLE.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
