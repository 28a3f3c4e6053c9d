package dev.tidemark.sync.write;

import java.sql.SQLException;
import java.util.Set;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Runs a whole transaction again (a few times) when PostgreSQL aborted it because of another
 * transaction: a deadlock or serialization conflict (one client deleting a group while another
 * changes its memberships), or a unique violation from two clients inserting the same new uid at
 * once (on the retry the row exists, so the write becomes an update decided by the usual rules).
 * Both clients get an answer, not a server error. Safe because an aborted transaction wrote
 * nothing. Call it outside the transaction it retries.
 */
public final class DeadlockRetry {

    static final int ATTEMPTS = 3;
    // deadlock_detected, serialization_failure, unique_violation (synced tables have no unique key but the uid)
    private static final Set<String> RETRYABLE = Set.of("40P01", "40001", "23505");
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
            // getSQLState() may be null (Agroal's acquisition timeout), which Set.of's contains refuses
            if (t instanceof SQLException sql && sql.getSQLState() != null && RETRYABLE.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
