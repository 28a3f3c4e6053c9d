package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Bystander;
import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Hostile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A fragment bomb (issue 14, point 1): {@code F(i)} spreads {@code F(i-1)} twice, so a 1.2 KB
 * document selects 2^31 fields. It is refused with {@code LIMIT_EXCEEDED} before anything expands
 * it (it used to exhaust the heap), as are its wide form (fields over the limit once expanded) and a
 * long chain of fragments (cubic to validate), over HTTP and over the WebSocket, while another
 * client is served.
 */
@QuarkusTest
class FragmentBombTest {

    @TestHTTPResource("/graphql")
    URI graphql;

    static final String FIELDS = "tidemark.limits.max-fields";
    static final String FRAGMENT_DEPTH = "tidemark.limits.max-fragment-depth";

    @Inject
    Db db;

    List<Map<String, Object>> snapshot;

    @BeforeEach
    void seed() {
        db.clear();
        Demo.user("Ann", null);
        snapshot = db.snapshot();
    }

    /** The bomb: {@code selection} with {@code %s} replaced by {@code ...F<levels>}, F(i) spreading F(i-1) twice. */
    static String bomb(String selection, int levels) {
        return Hostile.fragmentBomb(selection, levels, 2);
    }

    static String bomb(String selection, int levels, int fanOut) {
        return Hostile.fragmentBomb(selection, levels, fanOut);
    }

    static void assertLimit(JsonObject error, String key) {
        assertEquals("LIMIT_EXCEEDED", error.getJsonObject("extensions").getString("code"), error::toString);
        assertTrue(error.getString("message").contains(key), error::toString);
    }

    @Test
    void shouldRefuseTheFragmentBombOverHttpBeforeExpandingItWhileAnotherClientIsServed() throws Exception {
        String query = bomb("{ users { %s } }", 30);
        assertTrue(query.length() < 1300, "the issue's 1.2 KB request: " + query.length());
        try (Bystander bystander = Bystander.start(graphql, "fragment bombs over HTTP")) {
            for (int i = 0; i < 5; i++) {
                JsonPath response = GraphQL.post(query);
                assertNull(response.get("data"), response.prettify());
                assertLimit(jsonError(response), FRAGMENT_DEPTH);
                // as wide instead of deep: 7 levels of 10 spreads, 2 * 10^7 fields
                JsonPath wide = GraphQL.post(bomb("query Wide" + i + " { users { %s } }", 7, 10));
                assertLimit(jsonError(wide), FIELDS);
                assertTrue(wide.getString("errors[0].message").contains(" 20000001 fields"), wide.prettify());
            }
            String save = "mutation { saveUser(input: {uid: \"" + Demo.uid() + "\", name: \"Bob\"}) { %s } }";
            assertLimit(jsonError(GraphQL.post(bomb(save, 30))), FRAGMENT_DEPTH);
            assertLimit(jsonError(GraphQL.post(bomb(save, 7, 10))), FIELDS);
        }
        assertEquals(snapshot, db.snapshot(), "a refused mutation writes nothing");
    }

    @Test
    void shouldRefuseTheFragmentBombOverTheWebSocketWhileAnotherClientIsServed() throws Exception {
        try (Bystander bystander = Bystander.start(graphql, "fragment bombs over the WebSocket");
                GraphQLWs ws = GraphQLWs.connect(graphql)) {
            assertLimit(GraphQLWs.firstError(ws.message(ws.subscribe(bomb("subscription { userChanged { row { %s } } }", 30)))), FRAGMENT_DEPTH);
            assertLimit(GraphQLWs.firstError(ws.message(ws.subscribe(bomb("subscription { userChanged { row { %s } } }", 7, 10)))), FIELDS);
            assertLimit(GraphQLWs.firstError(ws.message(ws.subscribe(bomb("{ users { %s } }", 30)))), FRAGMENT_DEPTH);
            ws.subscribeReady("subscription { userChanged { operation row { ...F0 } } } fragment F0 on User { uid name }");
        }
    }

    @Test
    void shouldRefuseALongChainOfFragmentsBeforeValidatingIt() {
        // Each fragment spreads the previous one once: 2 fields, but graphql-java's cycle check costs the cube of the chain.
        JsonPath response = GraphQL.post(bomb("{ users { %s } }", 600, 1));
        assertLimit(jsonError(response), FRAGMENT_DEPTH);
        assertTrue(response.getString("errors[0].message").matches("fragment F\\d+ spreads fragments \\d+ deep.*"), response.prettify());
    }

    @Test
    void shouldCountAnExpansionPastLongMaxWithoutOverflowing() {
        // 9 levels of 150 spreads: 2 * 150^9 fields, over Long.MAX_VALUE: the count saturates instead of wrapping round.
        JsonPath response = GraphQL.post(bomb("{ users { %s } }", 9, 150));
        assertLimit(jsonError(response), FIELDS);
        assertTrue(response.getString("errors[0].message").contains("more than " + Long.MAX_VALUE + " fields"), response.prettify());
    }

    @Test
    void shouldServeFragmentsUpToTheLimits() {
        // 10 fragments deep (the limit), 1,025 fields (under 2,000)
        assertEquals(1, ok(bomb("{ users { %s } }", 9)).getList("data.users").size());
        assertLimit(jsonError(GraphQL.post(bomb("{ users { %s } }", 10))), FRAGMENT_DEPTH);
    }

    @Test
    void shouldNotExecuteGraphQLSentWithGet() {
        // GET is off (quarkus.smallrye-graphql.http.get.enabled=false): nothing to refuse there.
        given().queryParam("query", bomb("{ users { %s } }", 30)).when().get("/graphql").then().statusCode(405);
    }

    private static JsonObject jsonError(JsonPath response) {
        return Json.createReader(new StringReader(response.prettify())).readObject()
                .getJsonArray("errors").getJsonObject(0);
    }
}
