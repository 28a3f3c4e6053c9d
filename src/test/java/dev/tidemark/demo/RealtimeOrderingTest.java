package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Events come from the change log written in the writer's transaction: a rolled-back write sends
 * nothing, and commit order never makes the tailer skip a change (graphql-engine #8632).
 * Transactions are driven by hand over plain JDBC so their interleaving is exact.
 */
@QuarkusTest
class RealtimeOrderingTest {

    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name } } }""";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldSendNothingForARolledBackWrite() throws SQLException {
        String prefix = "Rollback-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); Connection tx = open()) {
            String id = ws.subscribeReady(USERS, "p", prefix);
            Demo.insertUser(tx, UUID.randomUUID(), prefix + " never");
            tx.rollback();
            String committed = Demo.user(prefix + " kept", null);
            assertEquals(committed, ws.event(id).getString("uid"), "the first event is the committed write");
            ws.expectNothing(id, Duration.ofSeconds(1));
        }
    }

    @Test
    void shouldDeliverATransactionThatTookItsLogPositionFirstButCommittedLast() throws SQLException {
        String prefix = "Late-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); Connection slow = open(); Connection fast = open()) {
            String id = ws.subscribeReady(USERS, "p", prefix);
            UUID early = UUID.randomUUID();
            UUID late = UUID.randomUUID();
            Demo.insertUser(slow, early, prefix + " slow");
            Demo.insertUser(fast, late, prefix + " fast");
            fast.commit();
            assertEquals(late.toString(), ws.event(id).getString("uid"));
            ws.expectNothing(id, Duration.ofMillis(1500)); // the tailer has read past the slow one's log id meanwhile
            slow.commit();
            JsonObject event = ws.event(id);
            assertEquals(early.toString(), event.getString("uid"));
            assertTrue(logId(early) < logId(late), "the late commit holds the smaller log id");
        }
    }

    @Test
    void shouldDeliverEveryCommittedRowAndNoRolledBackOneWhateverTheCommitOrder() throws SQLException {
        long seed = Long.getLong("test.seed", 20261124L);
        System.out.println("RealtimeOrderingTest seed=" + seed + " (rerun with -Dtest.seed=" + seed + ")");
        Random random = new Random(seed);
        String prefix = "Random-" + Demo.uid();
        Set<String> committed = new HashSet<>();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String id = ws.subscribeReady(USERS, "p", prefix);
            for (int round = 0; round < 5; round++) {
                List<Connection> open = new ArrayList<>();
                List<List<UUID>> written = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    Connection tx = open();
                    List<UUID> rows = new ArrayList<>();
                    for (int r = 0; r <= random.nextInt(3); r++) {
                        UUID uid = UUID.randomUUID();
                        Demo.insertUser(tx, uid, prefix + " " + round + "/" + t + "/" + r);
                        rows.add(uid);
                    }
                    open.add(tx);
                    written.add(rows);
                }
                List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
                Collections.shuffle(order, random);
                for (int t : order) {
                    Connection tx = open.get(t);
                    if (random.nextInt(5) == 0) {
                        tx.rollback();
                    } else {
                        tx.commit();
                        written.get(t).forEach(u -> committed.add(u.toString()));
                    }
                    tx.close();
                    if (random.nextBoolean()) {
                        sleep(random.nextInt(300));
                    }
                }
            }
            Set<String> received = new HashSet<>();
            while (received.size() < committed.size()) {
                JsonObject event = ws.event(id);
                assertEquals("UPSERT", event.getString("operation"));
                assertTrue(received.add(event.getString("uid")), "no duplicate");
            }
            assertEquals(committed, received);
            ws.expectNothing(id, Duration.ofSeconds(1));
        }
    }

    private static Connection open() throws SQLException {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String user = ConfigProvider.getConfig().getValue("quarkus.datasource.username", String.class);
        String password = ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
        Connection connection = DriverManager.getConnection(url, user, password);
        connection.setAutoCommit(false);
        return connection;
    }

    private static long logId(UUID uid) throws SQLException {
        try (Connection c = open(); PreparedStatement s = c.prepareStatement("select min(id) from sync_change where row_uid = ?")) {
            s.setObject(1, uid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
