package dev.tidemark.demo;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * {@code tidemark.limits.refused}: each refusal by a limit counted once, under the limit that
 * refused and the transport it came over (requests over the rate, a too-deep document and one over
 * the token limit over HTTP; a too-deep subscription, an operation over the rate, a message over the
 * size limit and an upgrade over the connection rate over the WebSocket), and nothing counted for
 * what is accepted or refused by no limit. The limits are tight here, and every client has an address
 * of its own ({@code X-Forwarded-For}).
 */
@QuarkusTest
@TestProfile(LimitRefusalsMetricTest.TightLimits.class)
class LimitRefusalsMetricTest {

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // 3 at once, then one a minute: far longer than a test takes
                    "tidemark.limits.requests-per-minute", "1",
                    "tidemark.limits.request-burst", "3",
                    "tidemark.limits.connections-per-minute", "1",
                    "tidemark.limits.connection-burst", "1",
                    "tidemark.limits.trust-forwarded-for", "true",
                    "quarkus.smallrye-graphql.parser-max-tokens", "400",
                    "quarkus.http.websocket-server.max-message-size", "8192");
        }
    }

    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    static final String SMALL = "{ users(where: {name: {eq: \"nobody\"}}) { uid } }";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    MeterRegistry registry;

    static String ownAddress() {
        return "192.0.2." + ADDRESSES.incrementAndGet();
    }

    /** Every refusal counter, as {@code limit/transport} → count. */
    Map<String, Double> refusals() {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter counter : registry.find("tidemark.limits.refused").counters()) {
            counts.put(counter.getId().getTag("limit") + "/" + counter.getId().getTag("transport"), counter.count());
        }
        return counts;
    }

    /** The counters are {@code before} plus {@code increments}, exactly: no other counter moved. */
    void assertCounted(Map<String, Double> before, Map<String, Double> increments) {
        Map<String, Double> expected = new TreeMap<>(before);
        increments.forEach((key, increment) -> {
            assertTrue(expected.containsKey(key), () -> key + " is not a registered counter: " + before.keySet());
            expected.merge(key, increment, Double::sum);
        });
        assertEquals(expected, refusals());
    }

    /** Selects groups and members {@code levels} times over: deeper than the depth limit (12) from 6 levels. */
    static String deep(String root, int levels) {
        return root + " { name" + " groups { name members { name".repeat(levels) + " }".repeat(2 * levels) + " } }";
    }

    static JsonPath post(String address, String document) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.admin())
                .header("X-Forwarded-For", address).body(GraphQL.body(document)).when().post("/graphql")
                .then().extract().jsonPath();
    }

    @Test
    void shouldRegisterEveryLimitAndTransportAtZeroAndCountNothingForAcceptedRequests() {
        Map<String, Double> before = refusals();
        assertTrue(before.containsKey("requests-per-minute/http") && before.containsKey("max-message-size/websocket")
                && before.containsKey("max-json-depth/http"), before::toString);
        assertTrue(post(ownAddress(), SMALL).getList("errors") == null, "accepted");
        try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, "X-Forwarded-For", ownAddress())) {
            assertEquals("next", ws.message(ws.subscribe(SMALL)).getString("type"));
        }
        assertEquals(before, refusals(), "nothing refused, nothing counted");
    }

    @Test
    void shouldCountEachHttpRefusalOnceUnderItsLimit() {
        Map<String, Double> before = refusals();
        String greedy = ownAddress();
        for (int i = 0; i < 3; i++) {
            assertTrue(post(greedy, SMALL).getList("errors") == null, "request " + i + " is within the burst");
        }
        for (int i = 0; i < 2; i++) {
            assertEquals("RATE_LIMITED", post(greedy, SMALL).getString("errors[0].extensions.code"));
        }
        JsonPath tooDeep = post(ownAddress(), deep("{ users", 6));
        assertEquals("LIMIT_EXCEEDED", tooDeep.getString("errors[0].extensions.code"), tooDeep.prettify());
        assertTrue(tooDeep.getString("errors[0].message").contains("depth"), tooDeep.prettify());
        JsonPath tooLong = post(ownAddress(), "{ users(where: {name: {in: [" + "\"n\", ".repeat(450) + "]}}) { uid } }");
        assertTrue(tooLong.getString("errors[0].message").contains("parser-max-tokens"), tooLong.prettify());
        JsonPath unparseable = post(ownAddress(), "{ users { uid }");
        assertEquals("GRAPHQL_PARSE_FAILED", unparseable.getString("errors[0].extensions.code"), "not a limit: not counted");

        assertCounted(before, Map.of("requests-per-minute/http", 2.0, "query-depth/http", 1.0, "parser-max-tokens/http", 1.0));
    }

    @Test
    void shouldCountEachWebSocketRefusalOnceUnderItsLimit() {
        Map<String, Double> before = refusals();
        String address = ownAddress();
        try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, "X-Forwarded-For", address)) {
            JsonObject tooDeep = GraphQLWs.firstError(ws.message(ws.subscribe(deep("subscription { userChanged { row", 6) + " }")));
            assertEquals("LIMIT_EXCEEDED", tooDeep.getJsonObject("extensions").getString("code"), tooDeep::toString);
            // the deep one took the first of the address's 3 requests
            assertEquals("next", ws.message(ws.subscribe(SMALL)).getString("type"));
            assertEquals("next", ws.message(ws.subscribe(SMALL)).getString("type"));
            JsonObject overRate = GraphQLWs.firstError(ws.message(ws.subscribe(SMALL)));
            assertEquals("RATE_LIMITED", overRate.getJsonObject("extensions").getString("code"), overRate::toString);

            ws.send("subscribe", "big", SMALL, "padding", "x".repeat(10 * 1024));
            assertEquals(1009, ws.closeCode());
        }
        // the address's one upgrade is spent
        assertEquals(429, GraphQLWs.refusedUpgrade(graphql, "X-Forwarded-For", address).statusCode());

        assertCounted(before, Map.of("query-depth/websocket", 1.0, "requests-per-minute/websocket", 1.0,
                "max-message-size/websocket", 1.0, "connections-per-minute/websocket", 1.0));
    }
}
