package dev.tidemark.policy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;
import dev.tidemark.sync.auth.DevKeysConfigSourceFactory;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.jwt.build.Jwt;

/**
 * Identity: a request or WebSocket connection without a valid token is refused, over HTTP and in
 * {@code connection_init}, and writes nothing: no token, an expired one, an unsigned one
 * ({@code alg: none}), one signed with another key, another issuer's, and one whose subject is not
 * a user uid. A connection whose token expires is closed.
 */
@QuarkusTest
class TokenTest {

    static final String SAVE = "mutation($u: String!) { saveUser(input: {uid: $u, name: \"Intruder\"}) { uid } }";

    @TestHTTPResource("/graphql")
    URI graphql;

    /** Tokens Quarkus refuses before GraphQL runs (HTTP 401); each would otherwise act as an admin. */
    static Map<String, String> unverifiable() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", Jwt.issuer(DevKeysConfigSourceFactory.DEV_ISSUER).subject(Demo.uid())
                .groups(Set.of("admin")).issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign());
        tokens.put("unsigned (alg none)", unsigned(Map.of("iss", DevKeysConfigSourceFactory.DEV_ISSUER, "sub", Demo.uid(),
                "groups", "admin", "exp", Instant.now().plusSeconds(3600).getEpochSecond())));
        tokens.put("signed with another key", Jwt.issuer(DevKeysConfigSourceFactory.DEV_ISSUER).subject(Demo.uid())
                .groups(Set.of("admin")).expiresAt(Instant.now().plusSeconds(3600)).sign(Tokens.SERVER_KEYS.getPrivate()));
        tokens.put("another issuer", Jwt.issuer("https://evil.example").subject(Demo.uid())
                .groups(Set.of("admin")).expiresAt(Instant.now().plusSeconds(3600)).sign());
        tokens.put("not a JWT", "hello");
        return tokens;
    }

    @Test
    void shouldRefuseUnverifiableTokensOverHttpAndWriteNothing() {
        unverifiable().forEach((what, token) -> {
            String uid = Demo.uid();
            int status = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                    .body("{\"query\":" + jakarta.json.Json.createValue(SAVE) + ",\"variables\":{\"u\":\"" + uid + "\"}}")
                    .when().post("/graphql").then().extract().statusCode();
            assertEquals(401, status, what);
            assertNull(PolicyWorld.row("users", uid), what + " wrote a row");
        });
    }

    @Test
    void shouldRefuseRequestsWithoutATokenWithUnauthenticated() {
        String uid = Demo.uid();
        JsonPath error = GraphQL.errorAs(null, SAVE, "u", uid);
        assertEquals("UNAUTHENTICATED", error.getString("extensions.code"));
        assertNull(PolicyWorld.row("users", uid));
        JsonPath read = GraphQL.postAs(null, "{ users { uid } }");
        assertEquals("UNAUTHENTICATED", read.getString("errors[0].extensions.code"));
        assertNull(read.get("data.users"));
    }

    @Test
    void shouldRefuseATokenWhoseSubjectIsNotAUserUid() {
        String token = Jwt.issuer(DevKeysConfigSourceFactory.DEV_ISSUER).subject("root")
                .expiresAt(Instant.now().plusSeconds(600)).sign();
        String uid = Demo.uid();
        assertEquals("UNAUTHENTICATED", GraphQL.errorAs(token, SAVE, "u", uid).getString("extensions.code"));
        assertNull(PolicyWorld.row("users", uid));
    }

    @Test
    void shouldCloseWebSocketsWith4403WithoutAValidToken() {
        Map<String, String> tokens = unverifiable();
        tokens.put("subject not a uid", Jwt.issuer(DevKeysConfigSourceFactory.DEV_ISSUER).subject("root")
                .expiresAt(Instant.now().plusSeconds(600)).sign());
        tokens.forEach((what, token) -> {
            try (GraphQLWs ws = GraphQLWs.open(graphql)) {
                ws.send(GraphQLWs.initMessage(token));
                assertEquals(4403, ws.closeCode(), what);
            }
        });
        try (GraphQLWs ws = GraphQLWs.open(graphql)) {
            ws.send("{\"type\":\"connection_init\",\"payload\":{}}");
            assertEquals(4403, ws.closeCode(), "no token");
        }
    }

    @Test
    void shouldCloseAWebSocketWhenItsTokenExpires() {
        String token = Jwt.issuer(DevKeysConfigSourceFactory.DEV_ISSUER).subject(Demo.uid())
                .expiresAt(Instant.now().plusSeconds(2)).sign();
        try (GraphQLWs ws = GraphQLWs.connect(graphql, token)) {
            ws.subscribeReady("subscription { userDocumentChanged { operation } }");
            assertEquals(4403, ws.closeCode(), "closed at expiry, so the client reconnects with a new token");
        }
    }

    @Test
    void shouldServeDevTokensThatActAsTheGivenUser() {
        String me = Demo.user("Dev token user", null);
        String token = Tokens.user(UUID.fromString(me));
        assertEquals(me, GraphQL.okAs(token, "{ users { uid } }").getString("data.users[0].uid"));
    }

    @Test
    void shouldServeADevTokenWithAShorterLifetimeOnRequestAndRefuseALongerOne() {
        Instant before = Instant.now();
        JsonPath token = given().post("/auth/dev-token?user=" + Demo.uid() + "&lifetime=5").then().statusCode(200).extract().jsonPath();
        Instant expiresAt = Instant.parse(token.getString("expiresAt"));
        assertTrue(!expiresAt.isBefore(before.plusSeconds(5)) && expiresAt.isBefore(Instant.now().plusSeconds(6)),
                () -> "expires 5 s after it was issued: " + expiresAt);
        for (String lifetime : new String[] { "0", "-1", "soon", String.valueOf(Duration.ofHours(13).toSeconds()) }) {
            String error = given().post("/auth/dev-token?lifetime=" + lifetime).then().statusCode(400).extract().jsonPath().getString("error");
            assertTrue(error.startsWith("lifetime must be a whole number of seconds from 1 to 43200"), error);
        }
    }

    private static String unsigned(Map<String, Object> claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        StringBuilder json = new StringBuilder("{");
        claims.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v instanceof Number ? v.toString() : "\"" + v + "\""));
        return header + "." + b64.encodeToString(json.append('}').toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
