package dev.tidemark.sync.realtime.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;

/**
 * One subscription whose events cannot be decided must not stall realtime for everybody: before
 * the fix the tailer read the same batch again forever, and no subscriber of the instance got any
 * event after it. Now that subscription ends with a coded error and the others are served.
 */
@QuarkusTest
@TestProfile(PoisonedSubscriptionTest.Profile.class)
class PoisonedSubscriptionTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(PoisoningHub.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"dev.tidemark.sync.realtime.hub.SubscriptionHub\".level", "OFF");
        }
    }

    private static final String DOCUMENT = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name } } }""";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldEndTheSubscriptionThatCannotBeDecidedAndServeTheOthers() {
        String prefix = "Healthy-" + Demo.uid();
        String poisoned = PoisoningHub.POISON + "-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); GraphQLWs other = GraphQLWs.connect(graphql)) {
            // subscribeReady waits for READY, which is queued after the subscriber joined its group:
            // the writes below are decided with both subscriptions registered.
            String bad = ws.subscribeReady(DOCUMENT, "p", poisoned);
            String sameConnection = ws.subscribeReady(DOCUMENT, "p", prefix);
            String otherConnection = other.subscribeReady(DOCUMENT, "p", prefix);

            // One transaction concerning both scopes, then one for the healthy scope only.
            Demo.user(poisoned + " and " + prefix, null);
            String first = Demo.user(prefix + " first", null);
            String second = Demo.user(prefix + " second", null);

            JsonObject error = ws.message(bad);
            assertEquals("error", error.getString("type"), error::toString);
            JsonObject detail = GraphQLWs.firstError(error);
            assertEquals("INTERNAL", detail.getJsonObject("extensions").getString("code"));
            assertTrue(detail.getString("message").contains("subscribe again"), detail::toString);

            for (GraphQLWs client : new GraphQLWs[] { ws, other }) {
                String id = client == ws ? sameConnection : otherConnection;
                assertEquals(first, client.event(id).getString("uid"));
                assertEquals(second, client.event(id).getString("uid"));
            }
            ws.expectNothing(bad, Duration.ofMillis(500));

            // The id is free again: the client resubscribes with it.
            ws.send("subscribe", bad, DOCUMENT, "p", prefix);
            assertEquals("READY", ws.event(bad).getString("operation"));
        }
    }
}
