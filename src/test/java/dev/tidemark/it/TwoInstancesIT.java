package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tidemark.sync.realtime.protocol.Connections;
import dev.tidemark.support.GraphQLWs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two packaged server processes on one PostgreSQL, as two replicas behind a Kubernetes Service:
 * a write through instance A reaches a subscriber of instance B; SIGTERM closes B's sockets with
 * 1012; a client that resubscribes to the restarted B and then syncs (the sync mutation, with what it holds)
 * has every change committed meanwhile.
 */
class TwoInstancesIT {

    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid version row { name } } }""";

    static EmbeddedPostgres postgres;
    static AppInstance a;
    static AppInstance b;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        a = new AppInstance("A", url).start(); // migrates first
        b = new AppInstance("B", url).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldDeliverAWriteThroughInstanceAToASubscriberOfInstanceB() {
        String prefix = "Replica-" + UUID.randomUUID();
        try (GraphQLWs ws = GraphQLWs.connect(b.graphql())) {
            String id = ws.subscribeReady(USERS, "p", prefix);
            String uid = saveUser(a, prefix + " via A");
            JsonObject event = ws.event(id);
            assertEquals("UPSERT", event.getString("operation"));
            assertEquals(uid, event.getString("uid"));
        }
    }

    @Test
    void shouldCloseWithServiceRestartOnSigtermAndLoseNothingForAClientThatResubscribesAndSyncs() {
        String prefix = "Restart-" + UUID.randomUUID();
        String whileDown;
        String held;
        try (GraphQLWs ws = GraphQLWs.connect(b.graphql())) {
            String id = ws.subscribeReady(USERS, "p", prefix);
            String before = saveUser(a, prefix + " before");
            JsonObject created = ws.event(id);
            assertEquals("UPSERT", created.getString("operation"));
            held = before + ":" + created.getJsonNumber("version").longValue(); // what the client's cache holds
            b.terminate();
            assertEquals(Connections.CLOSE_SERVICE_RESTART, ws.closeCode());
            whileDown = saveUser(a, prefix + " while B is down");
        }
        b = new AppInstance("B", postgres.getJdbcUrl("postgres", "postgres")).start();
        try (GraphQLWs ws = GraphQLWs.connect(b.graphql())) {
            String id = ws.subscribeReady(USERS, "p", prefix); // 1. subscribe, wait for READY
            String scope = b.post("mutation($input: SyncInput!) { sync(input: $input) { users { upserts { uid } drops } } }",
                    "{\"input\":{\"syncId\":\"" + UUID.randomUUID() + "\",\"users\":[{\"where\":{\"name\":{\"startsWith\":"
                            + AppInstance.quote(prefix) + "}},\"held\":[\"" + held + "\"]}]}}"); // 2. sync what it holds
            assertTrue(scope.contains(whileDown), () -> "the sync after resubscribing has the missed row: " + scope);
            assertFalse(scope.contains(held.substring(0, 36)), () -> "the row the client holds unchanged is not sent again: " + scope);
            String after = saveUser(a, prefix + " after");
            assertEquals(after, ws.event(id).getString("uid"));
        }
    }

    private static String saveUser(AppInstance instance, String name) {
        String uid = UUID.randomUUID().toString();
        String response = instance.post("mutation($uid: String!, $name: String!) { saveUser(input: {uid: $uid, name: $name}) { uid } }",
                "{\"uid\":\"" + uid + "\",\"name\":" + AppInstance.quote(name) + "}");
        assertTrue(response.contains(uid), () -> "write failed: " + response);
        return uid;
    }
}
