package dev.tidemark.sync.realtime.changelog;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;

import org.jboss.logging.Logger;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;

/**
 * Makes the PostgreSQL driver return notifications as soon as they are read. Its
 * {@code getNotifications(timeout)} reads the first message, then asks whether another one is pending
 * ({@code PGStream.hasMessagePending}): with nothing buffered, that waits 1 ms on the socket (a 1 ms
 * read timeout), and as the wait ends in a timeout it is never skipped for the second after, as the
 * driver means to. So every wake-up of the tailer came 1 ms after the notification had arrived:
 * 1.0–1.2 ms from commit to tailer where a Node listener took 0.08 ms (docs/benchmarks.md, "announced
 * changes"). PostgreSQL sends a transaction's notifications in one flush, so what is buffered once the
 * first is read is all there is; with the driver's next check pushed to the end of time, it looks at
 * its buffer only.
 *
 * <p>This sets a private field of the driver (pgjdbc 42.7's {@code PGStream.nextStreamAvailableCheckTime});
 * when a driver upgrade renames it, the tailer works as before, 1 ms slower, and says so once
 * ({@code PromptNotificationsTest} fails first). The field only steers that check, used by
 * {@code getNotifications} and by a non-blocking COPY read (the tailer's connection does neither
 * otherwise), and it is put back before the connection returns to the pool.
 */
final class PromptNotifications {

    private static final Logger LOG = Logger.getLogger(PromptNotifications.class);
    private static final Field STREAM;
    private static final Field NEXT_CHECK;

    static {
        Field stream = null;
        Field next = null;
        try {
            stream = QueryExecutorBase.class.getDeclaredField("pgStream");
            stream.setAccessible(true);
            next = PGStream.class.getDeclaredField("nextStreamAvailableCheckTime");
            next.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("This PostgreSQL driver has no %s: each change-log notification reaches the tailer 1 ms late",
                    "PGStream.nextStreamAvailableCheckTime");
            stream = null;
            next = null;
        }
        STREAM = stream;
        NEXT_CHECK = next;
    }

    private PromptNotifications() {
    }

    /** Whether this driver lets notifications be returned at once. */
    static boolean supported() {
        return NEXT_CHECK != null;
    }

    /**
     * Makes {@code connection}'s {@code getNotifications} return what it read without waiting for more;
     * the returned action puts the driver's behaviour back (a no-op when unsupported).
     */
    static Runnable apply(Connection connection) throws SQLException {
        if (!supported()) {
            return () -> {
            };
        }
        try {
            Object executor = connection.unwrap(BaseConnection.class).getQueryExecutor();
            if (!(executor instanceof QueryExecutorBase)) {
                return () -> {
                };
            }
            PGStream stream = (PGStream) STREAM.get(executor);
            long before = NEXT_CHECK.getLong(stream);
            NEXT_CHECK.setLong(stream, Long.MAX_VALUE);
            return () -> {
                try {
                    NEXT_CHECK.setLong(stream, before);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
