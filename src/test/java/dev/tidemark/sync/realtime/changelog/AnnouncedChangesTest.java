package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;

/**
 * Small transactions are delivered from their change-log notifications, without a read of the log
 * ({@link AnnouncedChanges}; issue 18: the read's round trip was most of an event's time in the
 * server), with the events a read gives; and whatever the notifications do not wholly say is read
 * from the log. The tailer thread is off: the test LISTENs on a connection of its own, takes the
 * notifications PostgreSQL sent, and hands them to the tailer on its own thread, in the drains it
 * chooses.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class AnnouncedChangesTest extends TailerOffTest {

    private static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) {
              operation uid row { uid name email version createdAt updatedAt deletedAt } } }""";

    private Connection listener;

    @BeforeEach
    void listen() throws SQLException {
        listener = dataSource.getConnection();
        listener.setAutoCommit(true);
        try (Statement statement = listener.createStatement()) {
            statement.execute("listen sync_change");
        }
    }

    @AfterEach
    void unlisten() throws SQLException {
        try (Statement statement = listener.createStatement()) {
            statement.execute("unlisten *");
        }
        listener.close();
    }

    @Test
    void shouldDeliverASmallTransactionFromItsNotificationsWithTheEventsOfARead() throws SQLException {
        String prefix = "Announced-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String id = subscribe(ws, prefix);

            String user = Demo.user(prefix + " one", "one@example.com");
            long before = tailer.announcedBatches();
            assertTrue(tailer.deliverAnnounced(notifications(1)), "delivered without a read");
            assertEquals(before + 1, tailer.announcedBatches());
            JsonObject event = ws.event(id);
            assertEquals("UPSERT", event.getString("operation"));
            assertEquals(row(user), event.getJsonObject("row"), "the row as the API reads it");

            // Out of the scope: decided from the row before the write, which the notification carries
            GraphQL.ok("mutation($uid: String!) { saveUser(input: {uid: $uid, name: \"Elsewhere\"}) { uid } }", "uid", user);
            assertTrue(tailer.deliverAnnounced(notifications(1)));
            JsonObject left = ws.event(id);
            assertEquals("LEAVE_SCOPE", left.getString("operation"));
            assertEquals(user, left.getString("uid"));

            tailer.readBatch(); // both transactions were marked read
            ws.expectNothing(id, Duration.ofMillis(300));
        }
    }

    @Test
    void shouldReadTheLogForATransactionTooLargeToAnnounceOrNotYetEnded() throws SQLException {
        String prefix = "Large-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); Connection writer = writer()) {
            String id = subscribe(ws, prefix);

            for (int i = 0; i < 17; i++) {
                Demo.insertUser(writer, UUID.randomUUID(), prefix + " " + i);
            }
            writer.commit();
            PGNotification[] large = notifications(1);
            assertEquals(16 + 2, large.length, "16 entries announced, the 17th by its transaction id, then the end");
            assertFalse(tailer.deliverAnnounced(large), "the 17th row is not in any notification");
            ws.expectNothing(id, Duration.ofMillis(300));
            tailer.readBatch();
            for (int i = 0; i < 17; i++) {
                assertEquals("UPSERT", ws.event(id).getString("operation"));
            }

            Demo.insertUser(writer, UUID.randomUUID(), prefix + " a");
            Demo.insertUser(writer, UUID.randomUUID(), prefix + " b");
            writer.commit();
            PGNotification[] two = notifications(1);
            assertFalse(tailer.deliverAnnounced(Arrays.copyOf(two, 2)), "the end is still on the way");
            tailer.readBatch();
            assertEquals(prefix + " a", ws.event(id).getJsonObject("row").getString("name"));
            assertEquals(prefix + " b", ws.event(id).getJsonObject("row").getString("name"));
            assertTrue(tailer.deliverAnnounced(Arrays.copyOfRange(two, 2, 3)), "its end: read already, nothing to do");
            ws.expectNothing(id, Duration.ofMillis(300));
        }
    }

    /** With {@code tidemark.announce_rows = off} (roles that may LISTEN must not see rows), only ids are announced. */
    @Test
    void shouldAnnounceIdsOnlyWhenRowsAreTurnedOutOfThePayloads() throws SQLException {
        String prefix = "Ids-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); Connection writer = writer()) {
            String id = subscribe(ws, prefix);

            try (Statement statement = writer.createStatement()) {
                statement.execute("set local tidemark.announce_rows = off");
            }
            Demo.insertUser(writer, UUID.randomUUID(), prefix + " unseen");
            writer.commit();
            PGNotification[] received = notifications(1);
            for (PGNotification notification : received) {
                assertFalse(notification.getParameter().contains(prefix), "no row in " + notification.getParameter());
            }
            assertFalse(tailer.deliverAnnounced(received));
            tailer.readBatch();
            assertEquals(prefix + " unseen", ws.event(id).getJsonObject("row").getString("name"));
        }
    }

    /**
     * {@code SET CONSTRAINTS ALL IMMEDIATE} runs the end's deferred trigger at once, and the transaction
     * writes on: an entry after its end, in the next drain of notifications, after a read of the log
     * moved the watermark past the transaction, still reaches the subscriber.
     */
    @Test
    void shouldReadAgainATransactionThatWroteOnAfterItsEnd() throws SQLException {
        String prefix = "Early-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); Connection writer = writer()) {
            String id = subscribe(ws, prefix);

            UUID first = UUID.randomUUID();
            UUID second = UUID.randomUUID();
            Demo.insertUser(writer, first, prefix + " first");
            try (Statement statement = writer.createStatement()) {
                statement.execute("set constraints all immediate");
            }
            Demo.insertUser(writer, second, prefix + " second");
            writer.commit();
            PGNotification[] all = notifications(1);
            assertEquals(3, all.length, "the first entry, the early end, the second entry");
            assertTrue(tailer.deliverAnnounced(Arrays.copyOf(all, 2)), "looks whole: one entry, its end");
            assertEquals(first.toString(), ws.event(id).getString("uid"));

            tailer.readBatch(); // the watermark moves past the transaction
            ws.expectNothing(id, Duration.ofMillis(300));

            assertFalse(tailer.deliverAnnounced(Arrays.copyOfRange(all, 2, 3)), "an entry after the end: read it again");
            tailer.readBatch();
            Set<String> uids = new HashSet<>();
            uids.add(ws.event(id).getString("uid"));
            uids.add(ws.event(id).getString("uid"));
            assertEquals(Set.of(first.toString(), second.toString()), uids, "the whole transaction, read again");
        }
    }

    @Test
    void shouldLeaveOutWhatASavepointRolledBack() throws SQLException {
        String prefix = "Savepoint-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); Connection writer = writer()) {
            String id = subscribe(ws, prefix);

            UUID kept = UUID.randomUUID();
            UUID after = UUID.randomUUID();
            Demo.insertUser(writer, kept, prefix + " kept");
            java.sql.Savepoint savepoint = writer.setSavepoint();
            Demo.insertUser(writer, UUID.randomUUID(), prefix + " undone");
            writer.rollback(savepoint);
            Demo.insertUser(writer, after, prefix + " after");
            writer.commit();
            long before = tailer.announcedBatches();
            assertTrue(tailer.deliverAnnounced(notifications(1)));
            assertEquals(before + 1, tailer.announcedBatches());
            assertEquals(kept.toString(), ws.event(id).getString("uid"));
            assertEquals(after.toString(), ws.event(id).getString("uid"));
            ws.expectNothing(id, Duration.ofMillis(300));
        }
    }

    /** A scope across a relation needs the related row, which only a read of the log can give in its snapshot. */
    @Test
    void shouldReadTheLogWhenAScopeNeedsARelatedRow() throws SQLException {
        String group = Demo.group("Related-" + Demo.uid());
        String user = Demo.user("Related-" + Demo.uid(), null);
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String id = ws.subscribeReady("""
                    subscription($g: String!) { userChanged(where: {memberships: {some: {groupUid: {eq: $g}}}}) { operation uid } }""",
                    "g", group);
            tailer.readBatch();
            notifications(0);

            Demo.membership(user, group);
            assertFalse(tailer.deliverAnnounced(notifications(1)), "the user is not in the membership's notification");
            ws.expectNothing(id, Duration.ofMillis(300));
            tailer.readBatch();
            JsonObject event = ws.event(id);
            assertEquals("UPSERT", event.getString("operation"));
            assertEquals(user, event.getString("uid"));
        }
    }

    /** Subscribes to the users whose name starts with {@code prefix}, reads what came before and drops its notifications. */
    private String subscribe(GraphQLWs ws, String prefix) throws SQLException {
        String id = ws.subscribeReady(USERS, "p", prefix);
        tailer.readBatch();
        notifications(0);
        return id;
    }

    /** The user's row as the API reads it, with the subscription's selection. */
    private static JsonObject row(String uid) {
        String body = GraphQL.raw(Tokens.admin(), """
                query($uid: String!) { users(where: {uid: {eq: $uid}}) { uid name email version createdAt updatedAt deletedAt } }""",
                Map.of("uid", uid));
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject().getJsonObject("data").getJsonArray("users").getJsonObject(0);
        }
    }

    /**
     * The notifications received on the test's connection until {@code transactions} ends were among
     * them (each transaction's last notification is its end); with 0, whatever came within a short wait
     * (the writes before the test's: dropped).
     */
    private PGNotification[] notifications(int transactions) throws SQLException {
        PGConnection pg = listener.unwrap(PGConnection.class);
        List<PGNotification> received = new ArrayList<>();
        int ends = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(transactions == 0 ? 0 : 10).toNanos();
        do {
            PGNotification[] some = pg.getNotifications(transactions == 0 ? 200 : 100);
            for (PGNotification notification : some == null ? new PGNotification[0] : some) {
                received.add(notification);
                ends += notification.getParameter().startsWith("end ") ? 1 : 0;
            }
        } while (ends < transactions && System.nanoTime() < deadline);
        if (transactions == 0) {
            return new PGNotification[0];
        }
        assertEquals(transactions, ends, () -> "ends among " + received.stream().map(PGNotification::getParameter).toList());
        return received.toArray(new PGNotification[0]);
    }

    private Connection writer() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        return connection;
    }
}
