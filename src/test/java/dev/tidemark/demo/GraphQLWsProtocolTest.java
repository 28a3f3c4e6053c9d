package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The WebSocket endpoint's protocol, with a real client: the handshake and its close codes
 * (graphql-transport-ws PROTOCOL.md), ping/pong, complete, operation ids in the shared frames, the
 * legacy graphql-ws subprotocol, and queries over the socket. Events are serialised once per
 * selection set and shared by subscriptions whatever their where: these tests check that each
 * subscription still gets its own id, its own scope and its own selection.
 */
@QuarkusTest
class GraphQLWsProtocolTest {

    static final Duration QUIET = Duration.ofMillis(1500);
    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name } } }""";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldAnswerPingWithPong() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            assertEquals("graphql-transport-ws", ws.subprotocol());
            ws.send("{\"type\":\"ping\"}");
            assertEquals("pong", ws.control().getString("type"));
            ws.send("{\"type\":\"pong\"}"); // unsolicited pong: ignored
            ws.subscribeReady(USERS, "p", "after-ping");
        }
    }

    @Test
    void shouldCloseWith4401OnSubscribeBeforeTheAck() {
        try (GraphQLWs ws = GraphQLWs.open(graphql)) {
            ws.subscribe(USERS, "p", "x");
            assertEquals(4401, ws.closeCode());
        }
    }

    @Test
    void shouldCloseWith4429OnASecondInit() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            ws.send("{\"type\":\"connection_init\"}");
            assertEquals(4429, ws.closeCode());
        }
    }

    @Test
    void shouldCloseWith4408WithoutInit() {
        try (GraphQLWs ws = GraphQLWs.open(graphql)) {
            assertEquals(4408, ws.closeCode()); // tidemark.realtime.connection-init-timeout, 3 s
        }
    }

    @Test
    void shouldCloseWith4409OnADuplicateOperationId() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            ws.send("subscribe", "dup", USERS, "p", "dup");
            assertEquals("READY", readyOrEvent(ws.message("dup")).getString("operation"));
            ws.send("subscribe", "dup", USERS, "p", "dup");
            assertEquals(4409, ws.closeCode());
        }
    }

    @Test
    void shouldCloseWith4400OnAnUnknownMessageType() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            ws.send("{\"type\":\"bogus\"}");
            assertEquals(4400, ws.closeCode());
        }
    }

    @Test
    void shouldStopEventsOnCompleteAndAllowTheIdAgain() {
        String prefix = "Complete-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            ws.send("subscribe", "c1", USERS, "p", prefix);
            assertEquals("READY", readyOrEvent(ws.message("c1")).getString("operation"));
            ws.complete("c1");
            Demo.user(prefix + " gone", null);
            ws.expectNothing("c1", QUIET);
            ws.send("subscribe", "c1", USERS, "p", prefix); // the id is free again
            assertEquals("READY", readyOrEvent(ws.message("c1")).getString("operation"));
            String uid = Demo.user(prefix + " back", null);
            assertEquals(uid, ws.event("c1").getString("uid"));
            assertFalse(ws.isClosed());
        }
    }

    @Test
    void shouldGiveEachSubscriptionOfOneGroupItsOwnId() {
        String prefix = "Twin-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); GraphQLWs other = GraphQLWs.connect(graphql)) {
            String first = ws.subscribeReady(USERS, "p", prefix);
            String second = ws.subscribeReady(USERS, "p", prefix);
            String third = other.subscribeReady(USERS, "p", prefix);
            String uid = Demo.user(prefix + " Ann", null);
            for (String[] target : new String[][] { { "ws", first }, { "ws", second }, { "other", third } }) {
                JsonObject message = (target[0].equals("ws") ? ws : other).message(target[1]);
                assertEquals(target[1], message.getString("id"));
                assertEquals("next", message.getString("type"));
                JsonObject event = message.getJsonObject("payload").getJsonObject("data").getJsonObject("userChanged");
                assertEquals(uid, event.getString("uid"));
                assertEquals(prefix + " Ann", event.getJsonObject("row").getString("name"));
            }
        }
    }

    @Test
    void shouldKeepEachWhereAndEachSelectionWhenTheSerialisationIsShared() {
        String a = "ShareA-" + Demo.uid();
        String b = "ShareB-" + Demo.uid();
        String narrow = "subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }";
        String aliased = """
                subscription($p: String!, $withRow: Boolean!) {
                  changed: userChanged(where: {name: {startsWith: $p}}) { operation row @include(if: $withRow) { name } }
                }""";
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String inA = ws.subscribeReady(USERS, "p", a);
            String inB = ws.subscribeReady(USERS, "p", b);
            String inANarrow = ws.subscribeReady(narrow, "p", a);
            String withRow = ws.subscribeReady(aliased, "p", a, "withRow", true);
            String withoutRow = ws.subscribeReady(aliased, "p", a, "withRow", false);
            String uid = Demo.user(a + " Ann", null);

            assertEquals(a + " Ann", ws.event(inA).getJsonObject("row").getString("name"));
            JsonObject small = ws.event(inANarrow);
            assertEquals(uid, small.getString("uid"));
            assertFalse(small.containsKey("row"), () -> "selection without row got " + small);
            JsonObject withRowMessage = ws.message(withRow).getJsonObject("payload").getJsonObject("data");
            assertEquals(a + " Ann", withRowMessage.getJsonObject("changed").getJsonObject("row").getString("name"));
            JsonObject withoutRowMessage = ws.message(withoutRow).getJsonObject("payload").getJsonObject("data");
            assertFalse(withoutRowMessage.getJsonObject("changed").containsKey("row"), () -> "got " + withoutRowMessage);
            ws.expectNothing(inB, QUIET);

            Demo.user(b + " Bob", null);
            assertEquals(b + " Bob", ws.event(inB).getJsonObject("row").getString("name"));
            ws.expectNothing(inA, QUIET);
        }
    }

    @Test
    void shouldSpeakTheLegacyGraphqlWsSubprotocol() {
        String prefix = "Legacy-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.open(graphql, "graphql-ws")) {
            assertEquals("graphql-ws", ws.subprotocol());
            ws.send(GraphQLWs.initMessage(Tokens.admin()));
            assertEquals("connection_ack", ws.control().getString("type"));
            ws.send("start", "l1", USERS, "p", prefix);
            JsonObject ready = ws.message("l1");
            assertEquals("data", ready.getString("type"));
            assertEquals("READY", ready.getJsonObject("payload").getJsonObject("data").getJsonObject("userChanged").getString("operation"));
            String uid = Demo.user(prefix + " Old", null);
            JsonObject data = ws.message("l1");
            assertEquals("data", data.getString("type"));
            assertEquals(uid, data.getJsonObject("payload").getJsonObject("data").getJsonObject("userChanged").getString("uid"));
            ws.send("{\"id\":\"l1\",\"type\":\"stop\"}");
            Demo.user(prefix + " Later", null);
            ws.expectNothing("l1", QUIET);
            ws.send("start", "bad", "subscription { userChanged(where: {nickname: {eq: \"x\"}}) { operation } }");
            JsonObject error = ws.message("bad");
            assertEquals("error", error.getString("type"));
            assertEquals("ValidationError", error.getJsonObject("payload").getJsonObject("extensions").getString("classification"));
        }
    }

    @Test
    void shouldAnswerAQueryOverTheSocketWithOneResultAndComplete() {
        String name = "Query-" + Demo.uid();
        String uid = Demo.user(name, null);
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            ws.send("subscribe", "q1", "query($n: String!) { users(where: {name: {eq: $n}}) { uid } }", "n", name);
            JsonObject next = ws.message("q1");
            assertEquals("next", next.getString("type"), () -> "got " + next);
            assertEquals(uid, next.getJsonObject("payload").getJsonObject("data").getJsonArray("users").getJsonObject(0).getString("uid"));
            assertEquals("complete", ws.message("q1").getString("type"));
        }
        // the HTTP endpoint on the same path is still SmallRye's
        assertEquals(uid, GraphQL.ok("query($n: String!) { users(where: {name: {eq: $n}}) { uid } }", "n", name)
                .getString("data.users[0].uid"));
    }

    private static JsonObject readyOrEvent(JsonObject message) {
        assertEquals("next", message.getString("type"), () -> "got " + message);
        JsonObject data = message.getJsonObject("payload").getJsonObject("data");
        assertTrue(data.size() == 1, () -> "got " + data);
        return data.getJsonObject(data.keySet().iterator().next());
    }
}
