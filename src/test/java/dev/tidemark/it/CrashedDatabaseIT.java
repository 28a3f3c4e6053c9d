package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scope stamp names the database incarnation (docs/design.md, "Reconnect from the change log"):
 * after PostgreSQL crashes and recovers, a stamp taken before is not trusted (its log may have lost
 * a tail the client saw), the scope is compared whole ({@code OTHER_DATABASE}), and the stamp the
 * answer carries works again. A real cluster of the test's own, stopped with {@code -m immediate},
 * under the packaged server.
 */
class CrashedDatabaseIT {

    static final String SYNC = """
            mutation($input: SyncInput!) { sync(input: $input) { users { stamp source fallback drops upserts { uid version } } } }""";

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
        String save = "mutation($uid: String!, $name: String!) { saveUser(input: {uid: $uid, name: $name}) { uid } }";
        app.post(save, "{\"uid\":\"" + UUID.randomUUID() + "\",\"name\":\"before\"}");
        String before = sync(null).getString("stamp");
        JsonObject same = sync(before);
        assertEquals("CHANGE_LOG", same.getString("source"), "a stamp of the same incarnation is answered from the log");

        postgres.crash();
        postgres.start();
        long deadline = System.nanoTime() + 90_000_000_000L;
        JsonObject after = null;
        while (after == null) {
            try {
                after = sync(before);
            } catch (AssertionError | RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500); // the pool reconnects after the restart
            }
        }
        System.out.println("CrashedDatabaseIT: after the crash, a stamp from before: " + after);
        assertEquals("COMPARISON", after.getString("source"));
        assertEquals("OTHER_DATABASE", after.getString("fallback"));
        assertEquals(1, after.getJsonArray("upserts").size(), "compared whole: the client gets every row it lacks");
        JsonObject next = sync(after.getString("stamp"));
        assertEquals("CHANGE_LOG", next.getString("source"), "the stamp taken after the crash is trusted");
    }
}
