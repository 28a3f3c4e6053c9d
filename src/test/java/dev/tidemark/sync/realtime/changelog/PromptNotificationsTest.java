package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The driver this build ships lets the tailer take notifications without its 1 ms wait for more
 * ({@link PromptNotifications}; the measured effect is in docs/benchmarks.md): the private field it
 * steers exists (a driver upgrade that renames it fails here, not silently in production), every
 * notification of a transaction still comes, and the driver's own behaviour is back once the tailer
 * hands the connection back.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class PromptNotificationsTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldSteerTheDriversCheckForMoreMessagesAndPutItBack() throws Exception {
        assertTrue(PromptNotifications.supported(), "pgjdbc has PGStream.nextStreamAvailableCheckTime");
        try (Connection listener = dataSource.getConnection(); Connection writer = dataSource.getConnection()) {
            listener.setAutoCommit(true);
            try (Statement statement = listener.createStatement()) {
                statement.execute("listen prompt_test");
            }
            long driversOwn = nextCheck(listener);
            Runnable restore = PromptNotifications.apply(listener);
            try {
                assertTrue(nextCheck(listener) == Long.MAX_VALUE, "the driver looks at its buffer only");
                writer.setAutoCommit(false);
                try (Statement statement = writer.createStatement()) {
                    for (int i = 0; i < 3; i++) {
                        statement.execute("notify prompt_test, 'n" + i + "'");
                    }
                }
                writer.commit();
                List<String> received = new ArrayList<>();
                PGConnection pg = listener.unwrap(PGConnection.class);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (received.size() < 3 && System.nanoTime() < deadline) {
                    PGNotification[] some = pg.getNotifications(1000);
                    Arrays.stream(some == null ? new PGNotification[0] : some).forEach(n -> received.add(n.getParameter()));
                }
                assertArrayEquals(new String[] { "n0", "n1", "n2" }, received.toArray(), "every notification, in order");
            } finally {
                restore.run();
                try (Statement statement = listener.createStatement()) {
                    statement.execute("unlisten *");
                }
            }
            assertTrue(nextCheck(listener) == driversOwn, "the driver's own value is back");
        }
    }

    private static long nextCheck(Connection connection) throws SQLException, ReflectiveOperationException {
        Field stream = QueryExecutorBase.class.getDeclaredField("pgStream");
        stream.setAccessible(true);
        Field next = PGStream.class.getDeclaredField("nextStreamAvailableCheckTime");
        next.setAccessible(true);
        return next.getLong(stream.get(connection.unwrap(BaseConnection.class).getQueryExecutor()));
    }
}
