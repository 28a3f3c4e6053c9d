package dev.tidemark.demo;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Every coercion and validation error a client gets (issue 14, point 7) carries a code, the path of
 * the refused value and a sentence, and never a Java class name nor an echo of the rest of the input:
 * a corpus of bad values in every position (where operators, save inputs, sync inputs; inline
 * literals and variables; HTTP and the WebSocket) is sent as raw JSON and each error is scanned.
 */
@QuarkusTest
class InputErrorMessagesTest {

    /** Java internals: packages, nested classes ({@code UserApi$UserWhere}), AST and SmallRye renderings. */
    static final Pattern INTERNALS = Pattern.compile("dev\\.tidemark|java\\.|\\$|[a-z]+\\.[a-z]+\\.[A-Z]|Unknown Scalar Type"
            + "|StringValue\\{|ObjectValue\\{|ArrayValue\\{|IntValue\\{|SRGQL");
    /** Put in another field of each bad input: an error that echoes the input would show it. */
    static final String MARKER = "echo-marker-1f3e";
    static final String UID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    static final String USERS = "query($where: UserWhere) { users(where: $where) { uid } }";
    static final String SYNC = "mutation($input: SyncInput!) { sync(input: $input) { cursor } }";

    /** One bad request: the document, its variables as JSON text, the expected code and field (null: none). */
    record Case(String document, String variables, String code, String field) {
    }

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

    static String change(String values) {
        return "{syncId: \"" + Demo.uid() + "\", users: [{held: [], changes: [{uid: \"" + UID + "\", name: \"" + MARKER + "\", " + values + "}]}]}";
    }

    static String changeJson(String values) {
        return "{\"input\": {\"syncId\": \"" + Demo.uid() + "\", \"users\": [{\"held\": [], \"changes\": [{\"uid\": \"" + UID
                + "\", \"name\": \"" + MARKER + "\", " + values + "}]}]}}";
    }

    static List<Case> corpus() {
        String bad = "BAD_USER_INPUT";
        String users = "{ users(where: %s) { uid } }";
        List<Case> cases = new ArrayList<>(List.of(
                // where operators, inline
                new Case(users.formatted("{createdAt: {gt: \"yesterday\"}, name: {eq: \"" + MARKER + "\"}}"), null, bad, "where.createdAt.gt"),
                new Case(users.formatted("{and: [{deletedAt: {lt: 5}}]}"), null, bad, "where.and[0].deletedAt.lt"),
                new Case(users.formatted("{version: {gt: \"new\"}}"), null, bad, "where.version.gt"),
                new Case(users.formatted("{version: {gt: 1.5}}"), null, bad, "where.version.gt"),
                new Case(users.formatted("{version: {in: [1, 9223372036854775808]}}"), null, bad, "where.version.in[1]"),
                new Case(users.formatted("{version: {gt: 9007199254740992}}"), null, bad, "where.version.gt"),
                new Case(users.formatted("{version: {gte: -1}}"), null, bad, "where.version.gte"),
                new Case(users.formatted("{name: {eq: 5}}"), null, bad, "where.name.eq"),
                new Case(users.formatted("{name: {isNull: \"yes\"}}"), null, bad, "where.name.isNull"),
                new Case(users.formatted("{nickname: {eq: \"" + MARKER + "\"}}"), null, bad, "where.nickname"),
                new Case(users.formatted("{uid: {eq: \"not-a-uuid\"}, name: {eq: \"" + MARKER + "\"}}"), null, bad, "where.uid.eq"),
                new Case("{ users(includeDeleted: \"yes\") { uid } }", null, bad, "includeDeleted"),
                new Case("{ users { uid @include(if: \"yes\") } }", null, bad, "@include.if"),
                // save inputs, inline
                new Case("mutation { saveUser(input: {uid: \"" + UID + "\", name: \"" + MARKER + "\", createdAt: \"soon\"}) { uid } }", null, bad,
                        "input.createdAt"),
                new Case("mutation { saveUser(input: {uid: \"" + UID + "\", email: \"" + MARKER + "\"}) { uid } }", null, bad, "input.name"),
                new Case("mutation { saveUser(input: {uid: \"" + UID + "\", name: \"" + MARKER + "\", version: 3}) { uid } }", null, bad,
                        "input.version"),
                new Case("mutation { saveUser(input: {uid: \"" + UID + "\", name: null, email: \"" + MARKER + "\"}) { uid } }", null, bad,
                        "input.name"),
                // sync inputs, inline
                new Case("mutation { sync(input: " + change("baseVersion: 1180591620717411303424") + ") { cursor } }", null, bad,
                        "input.users[0].changes[0].baseVersion"),
                new Case("mutation { sync(input: " + change("baseVersion: 9007199254740992") + ") { cursor } }", null, bad,
                        "input.users[0].changes[0].baseVersion"),
                new Case("mutation { sync(input: " + change("deletedAt: \"1970\"") + ") { cursor } }", null, bad,
                        "input.users[0].changes[0].deletedAt"),
                new Case("mutation { sync(input: {syncId: \"" + Demo.uid() + "\", users: [{held: [5], changes: [{uid: \"" + UID + "\", name: \""
                        + MARKER + "\"}]}]}) { cursor } }", null, bad, "input.users[0].held[0]"),
                // variables
                new Case(USERS, "{\"where\": {\"createdAt\": {\"gt\": \"yesterday\"}, \"name\": {\"eq\": \"" + MARKER + "\"}}}", bad,
                        "where.createdAt.gt"),
                new Case(USERS, "{\"where\": {\"version\": {\"gt\": 9223372036854775808}}}", bad, "where.version.gt"),
                new Case(USERS, "{\"where\": {\"version\": {\"lt\": 1.5}}}", bad, "where.version.lt"),
                new Case(USERS, "{\"where\": {\"nickname\": {\"eq\": \"" + MARKER + "\"}}}", bad, "where.nickname"),
                new Case(USERS, "{\"where\": {\"or\": [{\"name\": {\"in\": [\"" + MARKER + "\", {\"a\": 1}]}}]}}", bad, "where.or[0].name.in[1]"),
                new Case(USERS, "{\"where\": \"" + MARKER + "\"}", bad, "where"),
                new Case("query($d: Boolean) { users(includeDeleted: $d) { uid } }", "{\"d\": \"yes\"}", bad, "includeDeleted"),
                new Case("query($t: DateTime) { users(where: {createdAt: {gt: $t}}) { uid } }", "{\"t\": \"yesterday\"}", bad,
                        "where.createdAt.gt"),
                new Case(SYNC, changeJson("\"baseVersion\": 9223372036854775808"), bad, "input.users[0].changes[0].baseVersion"),
                new Case(SYNC, changeJson("\"baseVersion\": 1e30"), bad, "input.users[0].changes[0].baseVersion"),
                new Case(SYNC, changeJson("\"baseVersion\": \"abc\""), bad, "input.users[0].changes[0].baseVersion"),
                new Case(SYNC, changeJson("\"baseVersion\": -1"), bad, "input.users[0].changes[0].baseVersion"),
                new Case(SYNC, changeJson("\"deletedAt\": \"yesterday\""), bad, "input.users[0].changes[0].deletedAt"),
                new Case(SYNC, changeJson("\"createdAt\": true"), bad, "input.users[0].changes[0].createdAt"),
                new Case(SYNC, "{\"input\": {\"syncId\": \"" + Demo.uid() + "\", \"users\": [{\"held\": [\"" + UID + ":9007199254740992\"]}]}}", bad,
                        "input.users[0].held[0]"),
                new Case(SYNC, "{}", bad, "input"),
                // documents that do not fit the schema: validation, no value to point at
                new Case("{ users { nickname } }", null, "GRAPHQL_VALIDATION_FAILED", null),
                new Case("query($w: String) { users(where: $w) { uid } }", "{\"w\": \"x\"}", "GRAPHQL_VALIDATION_FAILED", null),
                new Case("{ users(limit: 5) { uid } }", null, "GRAPHQL_VALIDATION_FAILED", null)));
        return cases;
    }

    static JsonObject post(String document, String variables) {
        String body = "{\"query\": " + Json.createValue(document) + (variables == null ? "" : ", \"variables\": " + variables) + "}";
        String response = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.admin()).body(body)
                .when().post("/graphql").then().statusCode(200).extract().asString();
        return Json.createReader(new StringReader(response)).readObject();
    }

    static void assertClientError(JsonObject error, Case expected) {
        String text = error.toString();
        assertFalse(INTERNALS.matcher(text).find(), () -> "Java internals in " + text);
        assertFalse(text.contains(MARKER), () -> "the rest of the input echoed in " + text);
        JsonObject extensions = error.getJsonObject("extensions");
        assertNotNull(extensions, text);
        assertEquals(expected.code(), extensions.getString("code", null), text);
        assertEquals(expected.field(), extensions.getString("field", null), text);
        String message = error.getString("message");
        assertTrue(message.length() > 20 && message.length() < 400, () -> "a sentence: " + message);
        if (expected.field() != null) {
            assertTrue(message.startsWith(expected.field() + ": "), () -> "names its field first: " + message);
        }
    }

    @Test
    void shouldGiveEveryBadValueACodeItsPathAndASentenceOverHttp() {
        List<String> failures = new ArrayList<>();
        for (Case bad : corpus()) {
            JsonObject response = post(bad.document(), bad.variables());
            try {
                assertTrue(response.containsKey("errors"), () -> "refused: " + response);
                assertTrue(!response.containsKey("data") || response.isNull("data"), () -> "nothing ran: " + response);
                for (JsonValue error : response.getJsonArray("errors")) {
                    assertClientError(error.asJsonObject(), bad);
                }
            } catch (AssertionError e) {
                failures.add(bad.document() + (bad.variables() == null ? "" : " " + bad.variables()) + "\n    -> " + e.getMessage());
            }
        }
        assertEquals("", String.join("\n", failures), failures.size() + " of " + corpus().size() + " bad inputs answered badly");
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldGiveTheSameErrorsOverTheWebSocket() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String literal = "subscription { userChanged(where: {createdAt: {gt: \"yesterday\"}, name: {eq: \"" + MARKER + "\"}}) { operation } }";
            assertClientError(GraphQLWs.firstError(ws.message(ws.subscribe(literal))), new Case(literal, null, "BAD_USER_INPUT", "where.createdAt.gt"));
            String variable = "subscription($w: UserWhere) { userChanged(where: $w) { operation } }";
            assertClientError(GraphQLWs.firstError(ws.message(ws.subscribe(variable, "w", Map.of("version", Map.of("gt", 1.5), "name", Map.of("eq", MARKER))))),
                    new Case(variable, null, "BAD_USER_INPUT", "where.version.gt"));
            ws.subscribeReady(variable, "w", Map.of("version", Map.of("gt", 1)));
        }
    }
}
