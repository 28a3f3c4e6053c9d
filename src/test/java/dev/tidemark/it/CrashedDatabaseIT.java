package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.GraphQLWs;

/**
 * A scope stamp names the database incarnation (docs/design.md, "Reconnect from the change log"):
 * after PostgreSQL crashes and recovers, a stamp taken before is not trusted (its log may have lost
 * a tail the client saw), the scope is compared whole ({@code OTHER_DATABASE}), and the stamp the
 * answer carries works again. The same after a restore from a base backup, which also hands out
 * again the transaction ids of every transaction committed after the backup: the change-log tailer
 * must not keep its position from the lost history (it would skip every new change whose id it had
 * already passed), so it tells every subscription to {@code RESYNC} and reads on from the restored
 * database. A real cluster of the test's own, stopped with {@code -m immediate}, under the packaged
 * server.
 */
class CrashedDatabaseIT {

    static final String SYNC = """
            mutation($input: SyncInput!) { sync(input: $input) { users { stamp source fallback drops upserts { uid version } } } }""";

    static final String SAVE = "mutation($uid: String!, $name: String!) { saveUser(input: {uid: $uid, name: $name}) { uid } }";
    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }""";

    static PostgresCluster postgres;
    static AppInstance app;

    @BeforeAll
    static void start() {
        postgres = PostgresCluster.create("tidemark-crash");
        app = new AppInstance("crash", postgres.jdbcUrl()).start();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    JsonObject sync(String stamp) {
        String input = "{\"input\":{\"syncId\":\"" + UUID.randomUUID() + "\",\"users\":[{\"where\":null,\"held\":[],\"stamp\":"
                + (stamp == null ? "null" : AppInstance.quote(stamp)) + "}]}}";
        String body = app.post(SYNC, input);
        JsonObject json = Json.createReader(new StringReader(body)).readObject();
        assertTrue(!json.containsKey("errors"), body);
        return json.getJsonObject("data").getJsonObject("sync").getJsonArray("users").getJsonObject(0);
    }

    @Test
    void shouldNotTrustAStampFromBeforeACrash() throws Exception {
        save("before");
        String before = sync(null).getString("stamp");
        JsonObject same = sync(before);
        assertEquals("CHANGE_LOG", same.getString("source"), "a stamp of the same incarnation is answered from the log");

        postgres.crash();
        postgres.start();
        JsonObject after = syncOnceServed(before);
        System.out.println("CrashedDatabaseIT: after the crash, a stamp from before: " + after);
        assertEquals("COMPARISON", after.getString("source"));
        assertEquals("OTHER_DATABASE", after.getString("fallback"));
        assertEquals(sync(null).getJsonArray("upserts").size(), after.getJsonArray("upserts").size(),
                "compared whole: the client, which held nothing, gets every row (the other test may have written some)");
        JsonObject next = sync(after.getString("stamp"));
        assertEquals("CHANGE_LOG", next.getString("source"), "the stamp taken after the crash is trusted");
    }

    @Test
    void shouldResyncSubscribersAndDistrustStampsAfterARestoreFromABackup() throws Exception {
        String prefix = "Restored-" + UUID.randomUUID();
        String lost;
        try (GraphQLWs ws = GraphQLWs.connect(app.graphql())) {
            String id = ws.subscribeReady(USERS, "p", prefix);
            postgres.backup();
            for (int i = 0; i < 20; i++) { // committed after the backup: the restore loses them and reuses their ids
                save(prefix + " lost " + i);
                assertEquals("UPSERT", ws.event(id).getString("operation"));
            }
            lost = sync(null).getString("stamp");

            postgres.restoreBackup();
            JsonObject resync = event(ws, id);
            assertNotNull(resync, "nothing reached the subscriber within 60 s of the restore: the tailer kept its position in"
                    + " the lost history");
            assertEquals("RESYNC", resync.getString("operation"), resync::toString);
            String uid = postgres.insertUser(prefix + " after the restore");
            JsonObject next = event(ws, id);
            assertNotNull(next, "a change made in the restored database, whose transaction id the lost history had used,"
                    + " reached nobody within 60 s");
            assertEquals(uid, next.getString("uid"), next::toString);
        }
        JsonObject after = syncOnceServed(lost);
        assertEquals("COMPARISON", after.getString("source"));
        assertEquals("OTHER_DATABASE", after.getString("fallback"), "a stamp taken in the lost history is not trusted");
    }

    /** A sync with {@code stamp}, retried while the pool reconnects after a restart (up to 90 s). */
    JsonObject syncOnceServed(String stamp) throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            try {
                return sync(stamp);
            } catch (AssertionError | RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    static void save(String name) {
        String body = app.post(SAVE, "{\"uid\":\"" + UUID.randomUUID() + "\",\"name\":" + AppInstance.quote(name) + "}");
        assertTrue(!body.contains("errors"), body);
    }

    /** The subscription's next event (its data), waiting up to 60 s; null if none came. */
    static JsonObject event(GraphQLWs ws, String id) {
        JsonObject message = ws.messageOrNull(id, Duration.ofSeconds(60));
        if (message == null) {
            return null;
        }
        assertEquals("next", message.getString("type"), message::toString);
        JsonObject data = message.getJsonObject("payload").getJsonObject("data");
        return data.getJsonObject(data.keySet().iterator().next());
    }
}
