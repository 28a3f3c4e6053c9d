package dev.tidemark.sync.realtime.hub;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;

import dev.tidemark.sync.realtime.changelog.ChangeBatch;

/**
 * Tells a failure of the database, or a batch that must be read from the log ({@link ChangeBatch.NeedsRead}),
 * from one of a single scope: the former make the whole batch be read again.
 */
final class Failures {

    private Failures() {
    }

    static boolean rereadsBatch(Throwable error) {
        if (error instanceof ChangeBatch.NeedsRead) {
            return true; // an announced batch without the row a scope needs: the tailer reads the log
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof PersistenceException) {
                return true;
            }
        }
        return false;
    }
}
