package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static dev.tidemark.support.GraphQL.ok;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Abuse limits, each with a tiny value so a test reaches it cheaply, over HTTP and over the
 * WebSocket: aliases, depth, tokens, batching, body and WebSocket message size, connection rate.
 * Every refusal carries a clear code, and a refused write writes nothing.
 */
@QuarkusTest
@TestProfile(AbuseLimitsTest.TinyLimits.class)
class AbuseLimitsTest {

    public static class TinyLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tidemark.limits.max-aliases", "3",
                    "tidemark.limits.connections-per-minute", "6",
                    "tidemark.limits.connection-burst", "3",
                    // so each test connects from its own address and the buckets do not leak between tests
                    "tidemark.limits.trust-forwarded-for", "true",
                    "quarkus.smallrye-graphql.parser-max-tokens", "400",
                    "quarkus.http.limits.max-body-size", "64K",
                    "quarkus.http.websocket-server.max-message-size", "8192");
        }
    }

    static final String SAVE = "s%d: saveUser(input: {uid: \"%s\", name: \"n%d\"}) { uid }";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    List<Map<String, Object>> snapshot;

    @BeforeEach
    void seed() {
        db.clear();
        Demo.user("Ann", null);
        snapshot = db.snapshot();
    }

    /** A client address of its own (TEST-NET-3), sent as the ingress would. */
    static String[] ownAddress() {
        return new String[] { "X-Forwarded-For", "203.0.113." + ADDRESSES.incrementAndGet() };
    }

    static String savesOf(int count) {
        StringBuilder mutation = new StringBuilder("mutation {");
        for (int i = 0; i < count; i++) {
            mutation.append(' ').append(String.format(SAVE, i, Demo.uid(), i));
        }
        return mutation.append(" }").toString();
    }

    @Test
    void shouldRefuseAnAliasBombBeforeExecution() {
        JsonPath error = error("{ a1: users { uid } a2: users { uid } a3: users { uid } a4: users { uid } }");
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"), error.prettify());
        assertTrue(error.getString("message").contains("tidemark.limits.max-aliases"), error.prettify());
        assertEquals(3, ok("{ a1: users { uid } a2: users { uid } a3: users { uid } }").getMap("data").size(), "the limit itself is fine");
    }

    @Test
    void shouldRefuseAnAliasedMutationBombWritingNothing() {
        JsonPath response = dev.tidemark.support.GraphQL.post(savesOf(4));
        assertNull(response.get("data"), response.prettify());
        assertEquals("LIMIT_EXCEEDED", response.getString("errors[0].extensions.code"), response.prettify());
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldCountTheAliasesOfAFragmentEachTimeItIsSpread() {
        JsonPath error = error("""
                { users { ...Names } groups { members { ...Names } } }
                fragment Names on User { id: uid fullName: name }""");
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"), error.prettify());
    }

    @Test
    void shouldRefuseAnAliasBombAndAMutationBombSentOverTheWebSocket() {
        try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, ownAddress())) {
            JsonObject subscription = GraphQLWs.firstError(ws.message(ws.subscribe(
                    "subscription { userChanged { a: operation b: uid c: version d: cursor } }")));
            assertEquals("LIMIT_EXCEEDED", subscription.getJsonObject("extensions").getString("code"), subscription::toString);
            JsonObject mutation = GraphQLWs.firstError(ws.message(ws.subscribe(savesOf(4))));
            assertEquals("LIMIT_EXCEEDED", mutation.getJsonObject("extensions").getString("code"), mutation::toString);
            assertTrue(mutation.getString("message").contains("tidemark.limits.max-aliases"), mutation::toString);
            ws.subscribeReady("subscription { userChanged { operation b: uid c: version d: cursor } }"); // 3 is fine
        }
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldRefuseASubscriptionDeeperThanTheDepthLimitOverTheWebSocketWithACode() {
        StringBuilder deep = new StringBuilder("subscription { userChanged { row { name");
        for (int level = 0; level < 6; level++) {
            deep.append(" groups { name members { name");
        }
        deep.append(" }".repeat(12)).append(" } } }");
        try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, ownAddress())) {
            JsonObject error = GraphQLWs.firstError(ws.message(ws.subscribe(deep.toString())));
            assertTrue(error.getString("message").toLowerCase().contains("depth"), error::toString);
            assertEquals("LIMIT_EXCEEDED", error.getJsonObject("extensions").getString("code"), error::toString);
        }
    }

    @Test
    void shouldRefuseADocumentOverTheTokenLimitBeforeParsingItAll() {
        JsonPath error = error("{ users(where: {name: {in: [" + names(450) + "]}}) { uid } }");
        // parsing stops at the limit; the answer names it (ParseFailureTest has the other unparseable shapes)
        assertEquals("GRAPHQL_PARSE_FAILED", error.getString("extensions.code"), error.prettify());
        assertTrue(error.getString("message").contains("quarkus.smallrye-graphql.parser-max-tokens"), error.prettify());
        assertEquals(List.of(), ok("{ users(where: {name: {in: [" + names(300) + "]}}) { uid } }").getList("data.users"));
    }

    static String names(int count) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < count; i++) {
            names.append(" \"n").append(i).append('"');
        }
        return names.toString();
    }

    @Test
    void shouldRefuseABatchWithHttp400AndAGraphQLErrorWritingNothing() {
        String batch = Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("query", savesOf(1)))
                .add(Json.createObjectBuilder().add("query", savesOf(1))).build().toString();
        JsonPath body = given().contentType(ContentType.JSON).body(batch).when().post("/graphql")
                .then().statusCode(400).contentType(ContentType.JSON).extract().jsonPath();
        assertEquals("BATCHING_NOT_SUPPORTED", body.getString("errors[0].extensions.code"), body.prettify());
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldRefuseABodyOverTheSizeLimitWith413WritingNothing() {
        String mutation = "mutation($name: String!) { saveUser(input: {uid: \"" + Demo.uid() + "\", name: $name}) { uid } }";
        String body = Json.createObjectBuilder().add("query", mutation)
                .add("variables", Json.createObjectBuilder().add("name", "x".repeat(70 * 1024))).build().toString();
        given().contentType(ContentType.JSON).body(body).when().post("/graphql").then().statusCode(413);
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldCloseASocketThatSendsAMessageOverTheSizeLimitWith1009WritingNothing() {
        try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, ownAddress())) {
            ws.send("subscribe", "big", "mutation($name: String!) { saveUser(input: {uid: \"" + Demo.uid() + "\", name: $name}) { uid } }",
                    "name", "x".repeat(10 * 1024));
            assertEquals(1009, ws.closeCode());
            assertTrue(ws.closeReason().contains("max-message-size"), ws.closeReason());
        }
        assertEquals(snapshot, db.snapshot(), "nothing written");
        try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, ownAddress())) {
            ws.subscribeReady("subscription { userChanged { operation } }"); // other connections unaffected
        }
    }

    @Test
    void shouldCloseASocketThatSendsAFrameOverTheFrameSizeWith1009() throws Exception {
        // java.net.http splits large messages into small frames, so this one frame is written by hand
        try (Socket socket = new Socket(graphql.getHost(), graphql.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /graphql HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: graphql-transport-ws\r\nX-Forwarded-For: " + ownAddress()[1] + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String status = readHeaders(in);
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
            int length = 70 * 1024; // over max-frame-size (64 KiB)
            out.write(new byte[] { (byte) 0x81, (byte) 0xFF }); // FIN + text; masked, 64-bit length
            out.write(ByteBuffer.allocate(8).putLong(length).array());
            out.write(new byte[4]); // mask key 0: the payload goes as is
            out.flush(); // the header alone is over the limit: the payload is never read
            assertEquals(0x88, in.read(), "a close frame (Vert.x would drop the connection without one)");
            in.readUnsignedByte();
            assertEquals(1009, in.readUnsignedShort());
        }
    }

    /** Reads the response head of the upgrade, returning its status line. */
    static String readHeaders(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    @Test
    void shouldAnswer429WithRetryAfterBeforeUpgradingOverTheConnectionRate() {
        String[] address = ownAddress();
        for (int i = 0; i < 3; i++) { // the burst
            try (GraphQLWs ws = GraphQLWs.connectWithHeaders(graphql, address)) {
                ws.subscribeReady("subscription { userChanged { operation } }");
            }
        }
        HttpResponse<?> refused = GraphQLWs.refusedUpgrade(graphql, address);
        assertEquals(429, refused.statusCode());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 10, "6 a minute: a token every 10 s, got " + retryAfter);
        // An address the client puts in front does not escape: the last entry (the ingress's) counts.
        HttpResponse<?> spoofed = GraphQLWs.refusedUpgrade(graphql, "X-Forwarded-For", "198.51.100.9, " + address[1]);
        assertEquals(429, spoofed.statusCode());
        try (GraphQLWs other = GraphQLWs.connectWithHeaders(graphql, ownAddress())) {
            other.subscribeReady("subscription { userChanged { operation } }"); // other clients unaffected
        }
    }
}
