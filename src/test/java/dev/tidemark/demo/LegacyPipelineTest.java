package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Legacy {@code graphql-ws} clients (subscriptions-transport-ws, Apollo's WebSocketLink) send their
 * {@code start} messages right after {@code connection_init}, without waiting for the ack ("no need
 * to wait for connection to success (reduce roundtrips)"). Those are served once the token is
 * verified, in order; with a refused token none is.
 */
@QuarkusTest
class LegacyPipelineTest {

    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }""";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldServeStartsSentBeforeTheAckOnceTheTokenIsVerified() {
        String prefix = "Pipelined-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.open(graphql, "graphql-ws")) {
            ws.send(GraphQLWs.initMessage(Tokens.admin()));
            ws.send("start", "1", USERS, "p", prefix);
            ws.send("start", "2", USERS, "p", prefix);
            ws.send("{\"id\":\"2\",\"type\":\"stop\"}");
            ws.send("start", "3", USERS, "p", prefix);
            assertEquals("connection_ack", ws.control().getString("type"));
            assertEquals("READY", event(ws.message("1")).getString("operation"));
            assertEquals("READY", event(ws.message("3")).getString("operation"));
            String uid = Demo.user(prefix + " Ann", null);
            assertEquals(uid, event(ws.message("1")).getString("uid"));
            assertEquals(uid, event(ws.message("3")).getString("uid"));
            for (JsonObject stopped = ws.messageOrNull("2", SubscriptionTest.QUIET); stopped != null;
                    stopped = ws.messageOrNull("2", SubscriptionTest.QUIET)) {
                assertEquals("READY", event(stopped).getString("operation"), "the subscription stopped before the ack gets no event");
            }
        }
    }

    @Test
    void shouldServeNoStartSentBeforeARefusedInit() {
        try (GraphQLWs ws = GraphQLWs.open(graphql, "graphql-ws")) {
            ws.send(GraphQLWs.initMessage("not-a-token"));
            ws.send("start", "1", USERS, "p", "Refused-" + Demo.uid());
            assertEquals(4403, ws.closeCode());
            assertEquals(null, ws.messageOrNull("1", SubscriptionTest.QUIET));
        }
    }

    private static JsonObject event(JsonObject message) {
        assertEquals("data", message.getString("type"), () -> "got " + message);
        return message.getJsonObject("payload").getJsonObject("data").getJsonObject("userChanged");
    }
}
