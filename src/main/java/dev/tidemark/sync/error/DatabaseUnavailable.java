package dev.tidemark.sync.error;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recognises a failure that means "the database cannot be reached now" anywhere in an exception's
 * cause chain, whichever layer wrapped it (Hibernate, Narayana, Agroal): a connection-class
 * SQLState ({@code 08xxx}), PostgreSQL shutting down or starting ({@code 57P01-57P03}), too many
 * connections ({@code 53300}), a network error, or no connection to be had (the pool's acquisition
 * timeout, or Hibernate's "Unable to acquire JDBC Connection" around whatever the driver said, e.g.
 * a login interrupted by that timeout). Such a failure is worth retrying later; any other is a bug
 * or bad data.
 */
public final class DatabaseUnavailable {

    /** What Agroal says when no connection could be had within {@code quarkus.datasource.jdbc.acquisition-timeout}. */
    private static final String ACQUISITION_TIMEOUT = "Acquisition timeout";
    /** What Hibernate says, whatever the cause, when it could not get a connection for a transaction. */
    private static final String NO_CONNECTION = "Unable to acquire JDBC Connection";

    private DatabaseUnavailable() {
    }

    public static boolean is(Throwable failure) {
        // Causes and suppressed exceptions both: a commit cut off by the database's loss is a
        // RollbackException whose driver error is attached as suppressed, not as its cause.
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Throwable> next = new ArrayDeque<>();
        next.add(failure);
        while (!next.isEmpty()) {
            Throwable t = next.poll();
            if (seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            if (t.getCause() != null) {
                next.add(t.getCause());
            }
            next.addAll(List.of(t.getSuppressed()));
            if (t instanceof SQLTransientConnectionException || t instanceof java.net.SocketException
                    || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().startsWith(NO_CONNECTION)) {
                return true;
            }
            if (t instanceof SQLException sql && (unavailable(sql.getSQLState())
                    || (sql.getMessage() != null && sql.getMessage().startsWith(ACQUISITION_TIMEOUT)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean unavailable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("57P03") || sqlState.equals("53300"));
    }
}
