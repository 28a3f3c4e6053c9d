package dev.tidemark.sync.write;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** Which database failures make a transaction run again (an aborted attempt wrote nothing, so it is safe). */
class DeadlockRetryTest {

    @Test
    void shouldRetryDeadlocksAndSerializationFailuresWhereverTheyAreWrapped() {
        assertTrue(DeadlockRetry.retryable(new RuntimeException(new IllegalStateException(new SQLException("deadlock", "40P01")))));
        assertTrue(DeadlockRetry.retryable(new RuntimeException(new SQLException("could not serialize", "40001"))));
        assertTrue(DeadlockRetry.retryable(new RuntimeException(new SQLException("duplicate key", "23505"))));
    }

    @Test
    void shouldNotRetryOtherFailures() {
        assertFalse(DeadlockRetry.retryable(new RuntimeException(new SQLException("check violation", "23514"))));
        assertFalse(DeadlockRetry.retryable(new IllegalStateException("bug")));
    }

    @Test
    void shouldNotFailOnAnSQLExceptionWithoutState() {
        // Agroal's "Acquisition timeout while waiting for new connection" (a database that does not
        // answer) has no SQLState; asking an immutable set about null threw, and the sync answered
        // code null-pointer instead of SERVICE_UNAVAILABLE
        assertFalse(DeadlockRetry.retryable(new RuntimeException(new SQLException("Acquisition timeout while waiting for new connection"))));
    }
}
