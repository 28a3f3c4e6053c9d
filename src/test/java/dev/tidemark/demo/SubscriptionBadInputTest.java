package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Bad input on a subscription connection: an invalid where or one subscription too many fails that
 * subscription only; a malformed protocol message closes that connection only (4400, as
 * graphql-transport-ws requires); the server keeps serving. The test profile sets
 * {@code tidemark.realtime.max-subscriptions-per-connection=5}.
 */
@QuarkusTest
class SubscriptionBadInputTest {

    static final String GROUPS = "subscription($n: String!) { groupChanged(where: {name: {eq: $n}}) { operation row { name } } }";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldRejectAnInvalidWhereOnThatSubscriptionOnly() {
        String name = "Bad-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String good = ws.subscribeReady(GROUPS, "n", name);
            String bad = ws.subscribe("subscription { userGroupChanged(where: {groupUid: {in: [\"not-a-uuid\"]}}) { operation } }");
            JsonObject error = ws.message(bad);
            assertEquals("error", error.getString("type"));
            JsonObject first = error.getJsonArray("payload").getJsonObject(0);
            assertEquals("BAD_USER_INPUT", first.getJsonObject("extensions").getString("code"));
            assertEquals("where.groupUid.in[0]", first.getJsonObject("extensions").getString("field"));
            Demo.group(name);
            assertEquals(name, ws.event(good).getJsonObject("row").getString("name"));
        }
    }

    @Test
    void shouldRejectAnUnknownWhereFieldAsAValidationError() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String bad = ws.subscribe("subscription { userChanged(where: {nickname: {eq: \"x\"}}) { operation } }");
            JsonObject error = ws.message(bad);
            assertEquals("error", error.getString("type"));
            assertEquals("ValidationError", error.getJsonArray("payload").getJsonObject(0)
                    .getJsonObject("extensions").getString("classification"));
            ws.subscribeReady(GROUPS, "n", "still works");
        }
    }

    @Test
    void shouldRefuseSubscriptionsOverTheConnectionLimitAndAcceptAgainAfterOneCompletes() {
        String name = "Limit-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); GraphQLWs other = GraphQLWs.connect(graphql)) {
            String[] ids = new String[5];
            for (int i = 0; i < 5; i++) {
                ids[i] = ws.subscribeReady(GROUPS, "n", name);
            }
            String refused = ws.subscribe(GROUPS, "n", name);
            JsonObject error = ws.message(refused);
            assertEquals("error", error.getString("type"));
            assertEquals("LIMIT_EXCEEDED", error.getJsonArray("payload").getJsonObject(0).getJsonObject("extensions").getString("code"));
            other.subscribeReady(GROUPS, "n", name);
            ws.complete(ids[0]);
            String again = ws.subscribeReady(GROUPS, "n", name);
            Demo.group(name);
            assertEquals("UPSERT", ws.event(again).getString("operation"));
            assertEquals("UPSERT", ws.event(ids[4]).getString("operation"));
        }
    }

    @Test
    void shouldCloseOnlyTheConnectionThatSentAMalformedMessage() {
        try (GraphQLWs broken = GraphQLWs.connect(graphql); GraphQLWs healthy = GraphQLWs.connect(graphql)) {
            String name = "Healthy-" + Demo.uid();
            String id = healthy.subscribeReady(GROUPS, "n", name);
            broken.send("{this is not json");
            assertEquals(4400, broken.closeCode());
            Demo.group(name);
            assertEquals(name, healthy.event(id).getJsonObject("row").getString("name"));
        }
        try (GraphQLWs fresh = GraphQLWs.connect(graphql)) {
            fresh.subscribeReady(GROUPS, "n", "after");
        }
    }

    @Test
    void shouldRejectASubscribeMessageWithoutAQuery() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            ws.send("{\"id\":\"x1\",\"type\":\"subscribe\",\"payload\":{}}");
            JsonObject reply = ws.message("x1");
            assertEquals("error", reply.getString("type"), () -> "got " + reply);
            ws.subscribeReady(GROUPS, "n", "still works");
        }
    }
}
