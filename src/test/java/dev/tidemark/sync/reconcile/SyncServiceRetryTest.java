package dev.tidemark.sync.reconcile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** Which database failures make a sync run again (the attempt wrote nothing, so it is safe). */
class SyncServiceRetryTest {

    @Test
    void shouldRetryDeadlocksAndSerializationFailuresWhereverTheyAreWrapped() {
        assertTrue(SyncService.retryable(new RuntimeException(new IllegalStateException(new SQLException("deadlock", "40P01")))));
        assertTrue(SyncService.retryable(new RuntimeException(new SQLException("could not serialize", "40001"))));
    }

    @Test
    void shouldNotRetryOtherFailures() {
        assertFalse(SyncService.retryable(new RuntimeException(new SQLException("check violation", "23514"))));
        assertFalse(SyncService.retryable(new IllegalStateException("bug")));
    }
}
