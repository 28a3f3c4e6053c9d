package dev.tidemark.demo;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Plain GraphQL requests (POST and GET {@code /graphql}) per client address: a token bucket of
 * {@code tidemark.limits.request-burst} refilled at {@code requests-per-minute} (tiny here), over it
 * HTTP 429 with {@code Retry-After} and {@code RATE_LIMITED} before the request is read or run;
 * other addresses, and the same address's WebSocket upgrades (their own bucket), unaffected.
 */
@QuarkusTest
@TestProfile(RequestRateLimitTest.TinyRate.class)
class RequestRateLimitTest {

    public static class TinyRate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tidemark.limits.requests-per-minute", "6",
                    "tidemark.limits.request-burst", "3",
                    // each test sends from addresses of its own; requests without the header (the
                    // set-up's, from 127.0.0.1) share one bucket, so the set-up uses addresses too
                    "tidemark.limits.trust-forwarded-for", "true");
        }
    }

    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    static final String SAVE = "mutation($uid: String!) { saveUser(input: {uid: $uid, name: \"limited\"}) { uid } }";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    @BeforeEach
    void clear() {
        db.clear();
    }

    static String ownAddress() {
        return "198.51.100." + ADDRESSES.incrementAndGet();
    }

    static Response post(String address, String document, Object... variables) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.admin())
                .header("X-Forwarded-For", address).body(GraphQL.body(document, variables)).when().post("/graphql");
    }

    @Test
    void shouldAnswer429WithRetryAfterOverTheRequestRateWritingNothing() {
        String address = ownAddress();
        for (int i = 0; i < 3; i++) { // the burst
            assertEquals(200, post(address, "{ users { uid } }").statusCode());
        }
        String uid = Demo.uid();
        Response refused = post(address, SAVE, "uid", uid);
        assertEquals(429, refused.statusCode(), refused.asString());
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 10, "6 a minute: a token every 10 s, got " + retryAfter);
        assertEquals("RATE_LIMITED", refused.jsonPath().getString("errors[0].extensions.code"), refused.asString());
        assertTrue(refused.jsonPath().getString("errors[0].message").contains("tidemark.limits.requests-per-minute"));
        assertEquals(0, db.count("select count(*) from app_user where uid = ?::uuid", uid), "the refused mutation ran not");
        // GET counts too, and an address the client puts in front does not escape (the last entry counts)
        Response get = given().header("X-Forwarded-For", "203.0.113.77, " + address).queryParam("query", "{ users { uid } }")
                .when().get("/graphql");
        assertEquals(429, get.statusCode(), get.asString());
        assertEquals(200, post(ownAddress(), SAVE, "uid", uid).statusCode(), "other clients unaffected");
        assertEquals(1, db.count("select count(*) from app_user where uid = ?::uuid", uid));
    }

    @Test
    void shouldKeepWebSocketUpgradesInABucketOfTheirOwn() {
        String address = ownAddress();
        for (int i = 0; i < 3; i++) {
            post(address, "{ users { uid } }");
        }
        assertEquals(429, post(address, "{ users { uid } }").statusCode());
        // upgraded and acknowledged although its requests are spent (connectWithHeaders asserts the ack)
        GraphQLWs.connectWithHeaders(graphql, "X-Forwarded-For", address).close();
        assertEquals(List.of(), GraphQL.ok("{ users(where: {name: {eq: \"nobody\"}}) { uid } }").getList("data.users"),
                "requests without the header come from the test's own address, which still has its tokens");
    }

    /**
     * An operation sent over a WebSocket costs what a plain request costs, so it draws on the same
     * bucket: over it, an {@code error} with {@code RATE_LIMITED} and {@code retryAfterSeconds} for that
     * operation, unexecuted, the connection kept; and the address's plain requests are refused too. A
     * client could otherwise run any number of operations through its sockets.
     */
    @Test
    void shouldCountOperationsSentOverAWebSocketInTheAddressRequestBucket() {
        String address = ownAddress();
        String document = "subscription { userChanged { operation } }";
        try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, "X-Forwarded-For", address)) {
            // sent back to back, so that no token is refilled (one every 10 s) before the fourth
            List<String> ids = List.of(ws.subscribe(document), ws.subscribe(document), ws.subscribe(document), ws.subscribe(document));
            // refused as it arrives, before the three others have run: its answer comes first
            JsonObject error = GraphQLWs.firstError(ws.message(ids.get(3)));
            assertEquals(429, post(address, "{ users { uid } }").statusCode(), "one bucket for the socket's operations and the requests");
            for (String id : ids.subList(0, 3)) { // the burst
                assertEquals("READY", ws.event(id).getString("operation"));
            }
            assertEquals("RATE_LIMITED", error.getJsonObject("extensions").getString("code"), error::toString);
            long retryAfter = error.getJsonObject("extensions").getJsonNumber("retryAfterSeconds").longValue();
            assertTrue(retryAfter >= 1 && retryAfter <= 10, "6 a minute: a token every 10 s, got " + retryAfter);
            assertTrue(error.getString("message").contains("tidemark.limits.requests-per-minute"), error::toString);
            String later = ws.subscribe(document);
            String type = ws.message(later).getString("type");
            assertTrue(type.equals("next") || type.equals("error"), "the connection is kept: a later subscribe is answered, got " + type);
        }
    }
}
