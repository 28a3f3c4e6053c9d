package dev.tidemark.policy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.Tokens;
import dev.tidemark.sync.auth.CachingJWTParser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The verified-token cache in the running server (HTTP bearer tokens go through it): two users'
 * kept tokens each act as their own user, request after request, and a token made of one user's
 * signature and the other's claims is refused (401) while both are kept. Expiry and key removal
 * are in {@code VerifiedTokenCacheTest} (the server's verifier allows {@code mp.jwt.verify.clock.skew}).
 */
@QuarkusTest
class TokenCacheTest {

    static final String USERS = "{ users { uid } }";

    @Inject
    CachingJWTParser parser;

    @Test
    void shouldActAsEachTokensOwnUserWhileBothTokensAreKept() {
        String alice = Demo.user("Cache Alice", null);
        String bob = Demo.user("Cache Bob", null);
        String aliceToken = Tokens.user(UUID.fromString(alice));
        String bobToken = Tokens.user(UUID.fromString(bob));
        for (int round = 0; round < 3; round++) {
            List<String> aliceSees = GraphQL.okAs(aliceToken, USERS).getList("data.users.uid");
            List<String> bobSees = GraphQL.okAs(bobToken, USERS).getList("data.users.uid");
            assertTrue(aliceSees.contains(alice) && !aliceSees.contains(bob), "round " + round + ": Alice sees " + aliceSees);
            assertTrue(bobSees.contains(bob) && !bobSees.contains(alice), "round " + round + ": Bob sees " + bobSees);
        }
        assertTrue(parser.cache().holds(aliceToken) && parser.cache().holds(bobToken), "both tokens were kept");

        String[] a = aliceToken.split("\\.");
        String[] b = bobToken.split("\\.");
        String bobUnderAlicesSignature = a[0] + "." + b[1] + "." + a[2];
        int status = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + bobUnderAlicesSignature)
                .body("{\"query\":\"" + USERS + "\"}").when().post("/graphql").then().extract().statusCode();
        assertEquals(401, status);
        assertTrue(!parser.cache().holds(bobUnderAlicesSignature), "a refused token is not kept");
    }
}
