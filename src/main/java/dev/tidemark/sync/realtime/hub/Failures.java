package dev.tidemark.sync.realtime.hub;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;

/** Tells a failure of the database (the whole batch must be read again) from one of a single scope. */
final class Failures {

    private Failures() {
    }

    static boolean fromDatabase(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof PersistenceException) {
                return true;
            }
        }
        return false;
    }
}
