package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

/** Readiness of the change-log listener: DOWN unless it LISTENs and has read the log recently. */
class ChangeLogListenerHealthCheckTest {

    static Status status(boolean disabled, boolean listening, Instant lastRead) {
        ChangeLogListenerHealthCheck check = new ChangeLogListenerHealthCheck();
        check.tailer = new ChangeLogTailer() {
            @Override
            boolean disabled() {
                return disabled;
            }

            @Override
            boolean listening() {
                return listening;
            }

            @Override
            Instant lastRead() {
                return lastRead;
            }

            @Override
            Duration staleAfter() {
                return Duration.ofSeconds(30);
            }
        };
        return check.call().getStatus();
    }

    @Test
    void shouldBeUpWhileListeningAndReading() {
        assertEquals(Status.UP, status(false, true, Instant.now().minusSeconds(1)));
    }

    @Test
    void shouldBeDownWhenNotListening() {
        assertEquals(Status.DOWN, status(false, false, Instant.now()));
    }

    @Test
    void shouldBeDownBeforeTheFirstReadAndWhenTheLastReadIsStale() {
        assertEquals(Status.DOWN, status(false, true, Instant.EPOCH));
        assertEquals(Status.DOWN, status(false, true, Instant.now().minusSeconds(31)));
    }

    @Test
    void shouldBeUpWhenRealtimeIsDisabled() {
        assertEquals(Status.UP, status(true, false, Instant.EPOCH));
    }
}
