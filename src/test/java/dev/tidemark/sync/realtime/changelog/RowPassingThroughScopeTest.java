package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;

/**
 * The race behind {@code SubscriptionTest.shouldSendLeaveScope...} timing out under load: a row
 * created in scope and then renamed out of it by two transactions that the tailer reads in one
 * batch. A client may have synced between the two (READY came before both) and hold the row; the
 * batch saw "did not exist before, out of scope now" and sent nothing, so that client kept the row
 * forever. Now the state between the two writes counts: the row leaves the scope.
 *
 * <p>The tailer thread is off here ({@code tidemark.realtime.enabled=false}); the test reads the
 * log itself, so both transactions are in one batch every time.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class RowPassingThroughScopeTest extends TailerOffTest {

    /**
     * The tailer thread off, for the tests that read the log on their own thread. Its poll interval is
     * long: announced batches ({@link AnnouncedChangesTest}) are delivered only within a poll interval of
     * the last read, and a test's first request may take longer than a second.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.realtime.enabled", "false", "tidemark.realtime.poll-interval", "1h",
                    "quarkus.log.category.\"dev.tidemark.sync.realtime\".level", "ERROR");
        }
    }

    @Test
    void shouldSendLeaveScopeForARowThatEnteredAndLeftWithinOneBatch() {
        String prefix = "Passing-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String id = ws.subscribeReady("""
                    subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name } } }""",
                    "p", prefix);
            tailer.readBatch(); // whatever came before
            String user = Demo.user(prefix + " created", null);
            saveUser(user, "Renamed away " + prefix);
            tailer.readBatch();
            JsonObject left = ws.event(id);
            assertEquals("LEAVE_SCOPE", left.getString("operation"), left::toString);
            assertEquals(user, left.getString("uid"));
            assertTrue(left.isNull("row"));

            // A row passing through a state out of scope and back is an UPSERT, nothing more.
            saveUser(user, prefix + " back");
            saveUser(user, "Away again " + prefix);
            saveUser(user, prefix + " home");
            tailer.readBatch();
            JsonObject home = ws.event(id);
            assertEquals("UPSERT", home.getString("operation"), home::toString);
            assertEquals(prefix + " home", home.getJsonObject("row").getString("name"));
            ws.expectNothing(id, Duration.ofMillis(500));
        }
    }

    private static void saveUser(String uid, String name) {
        GraphQL.ok("""
                mutation($uid: String!, $name: String!) { saveUser(input: {uid: $uid, name: $name}) { uid } }""",
                "uid", uid, "name", name);
    }
}
