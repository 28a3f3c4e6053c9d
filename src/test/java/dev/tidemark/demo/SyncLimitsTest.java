package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.SyncCall;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Limits and malformed syncs: refused whole, with a code and a path, nothing written. */
@QuarkusTest
@TestProfile(SyncLimitsTest.SmallLimits.class)
class SyncLimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.sync.max-rows", "4", "tidemark.sync.max-scopes", "2");
        }
    }

    @Inject
    Db db;

    List<Map<String, Object>> snapshot;

    @BeforeEach
    void seed() {
        db.clear();
        Demo.user("Ann", null);
        snapshot = db.snapshot();
    }

    void assertRefused(SyncCall call, String code, String field) {
        JsonPath error = call.sendExpectingError();
        assertEquals(code, error.getString("extensions.code"), error.prettify());
        assertEquals(field, error.getString("extensions.field"), error.prettify());
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldRefuseMoreRowsThanTheLimit() {
        Map<String, Long> held = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            held.put(Demo.uid(), 1L);
        }
        // Over HTTP the rows are counted while the body is read: HTTP 413 at the fifth, before GraphQL runs.
        String body = GraphQL.body(SyncCall.DOCUMENT, "input", new SyncCall().scope("users", null, held,
                List.of(change(Demo.uid(), null, "name", "fifth"))).input());
        JsonPath refused = given().contentType(ContentType.JSON).body(body).when().post("/graphql")
                .then().statusCode(413).extract().jsonPath();
        assertEquals("LIMIT_EXCEEDED", refused.getString("errors[0].extensions.code"), refused.prettify());
        assertEquals("variables.input.users[0].changes[0]", refused.getString("errors[0].extensions.field"), refused.prettify());
        assertTrue(refused.getString("errors[0].message").contains("tidemark.sync.max-rows"), refused.prettify());
        assertEquals(snapshot, db.snapshot(), "nothing written");
        // Rows written inline in the document are counted by the sync itself (as over the WebSocket).
        String rows = held.entrySet().stream().map(row -> "\"" + row.getKey() + ":" + row.getValue() + "\"")
                .collect(Collectors.joining(", "));
        JsonPath inline = GraphQL.error("mutation { sync(input: {syncId: \"" + Demo.uid() + "\", users: [{held: [" + rows
                + "], changes: [{uid: \"" + Demo.uid() + "\", name: \"fifth\"}]}]}) { cursor } }");
        assertEquals("LIMIT_EXCEEDED", inline.getString("extensions.code"), inline.prettify());
        assertEquals("input", inline.getString("extensions.field"), inline.prettify());
        assertEquals(snapshot, db.snapshot(), "nothing written");
        new SyncCall().scope("users", null, held, List.of()).send(); // exactly the limit is fine
    }

    @Test
    void shouldRefuseMoreScopesThanTheLimit() {
        assertRefused(new SyncCall().scope("users", null, Map.of(), List.of()).scope("groups", null, Map.of(), List.of())
                .scope("userGroups", null, Map.of(), List.of()), "LIMIT_EXCEEDED", "input");
    }

    @Test
    void shouldRefuseMalformedRowsNamingThem() {
        assertRefused(new SyncCall().scope("users", null, Map.of("not-a-uuid", 1L), List.of()),
                "BAD_USER_INPUT", "input.users[0].held[0]");
        JsonPath noVersion = GraphQL.error(SyncCall.DOCUMENT, "input", Map.of("syncId", "s",
                "users", List.of(Map.of("held", List.of(Demo.uid(), Demo.uid() + ":latest")))));
        assertEquals("input.users[0].held[0]", noVersion.getString("extensions.field"));
        JsonPath badVersion = GraphQL.error(SyncCall.DOCUMENT, "input", Map.of("syncId", "s",
                "users", List.of(Map.of("held", List.of(Demo.uid() + ":latest")))));
        assertEquals("input.users[0].held[0]", badVersion.getString("extensions.field"));
        assertTrue(badVersion.getString("message").contains("latest"));
        assertRefused(new SyncCall().scope("users", null, Map.of(), List.of(change("x1", null, "name", "n"))),
                "BAD_USER_INPUT", "input.users[0].changes[0].uid");
        String uid = Demo.uid();
        assertRefused(new SyncCall().scope("users", null, Map.of(uid, 1L), List.of(change(uid, 1L, "name", "twice"))),
                "BAD_USER_INPUT", "input.users[0].changes[0].uid");
        assertRefused(new SyncCall().scope("userGroups", null, Map.of(), List.of(change(Demo.uid(), null, "userUid", "bad", "groupUid", Demo.uid()))),
                "BAD_USER_INPUT", "input.userGroups[0].changes[0].userUid");
        assertRefused(new SyncCall().scope("users", Map.of("uid", Map.of("eq", "nope")), Map.of(), List.of()),
                "BAD_USER_INPUT", "input.users[0].where.uid.eq");
        assertRefused(new SyncCall().cutoff("yesterday").scope("users", null, Map.of(), List.of()), "BAD_USER_INPUT", "input.cutoff");
    }

    @Test
    void shouldRejectUnknownTablesAndWrongTypesBeforeRunning() {
        JsonPath unknownTable = GraphQL.error(SyncCall.DOCUMENT, "input", Map.of("syncId", "s", "posts", List.of()));
        assertTrue(unknownTable.getString("message").contains("posts"), unknownTable.prettify());
        JsonPath wrongType = GraphQL.error(SyncCall.DOCUMENT, "input", Map.of("syncId", "s",
                "users", List.of(Map.of("changes", List.of(Map.of("uid", Demo.uid(), "name", "n", "baseVersion", "latest"))))));
        assertTrue(wrongType.getString("message").contains("latest"), wrongType.prettify());
        JsonPath heldObjects = GraphQL.error(SyncCall.DOCUMENT, "input", Map.of("syncId", "s",
                "users", List.of(Map.of("held", List.of(Map.of("uid", Demo.uid()))))));
        assertTrue(heldObjects.getString("message").contains("String"), heldObjects.prettify());
        JsonPath missingName = GraphQL.error(SyncCall.DOCUMENT, "input", Map.of("syncId", "s",
                "users", List.of(Map.of("changes", List.of(Map.of("uid", Demo.uid()))))));
        assertTrue(missingName.getString("message").contains("name"), missingName.prettify());
        assertEquals(snapshot, db.snapshot());
    }
}
