package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static io.restassured.RestAssured.given;
import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.Tokens;
import io.restassured.http.ContentType;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Bad input gets a GraphQL error that names the field, carries a code, and writes nothing. */
@QuarkusTest
class BadInputTest {

    static final String USERS = "query($where: UserWhere) { users(where: $where) { name } }";
    static final String INJECTION = "'; DROP TABLE app_user; --";

    @Inject
    Db db;

    String ann;
    List<Map<String, Object>> snapshot;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", "ann@x.io");
        Demo.membership(ann, Demo.group("Red"));
        snapshot = db.snapshot();
    }

    void assertNothingWritten() {
        assertEquals(snapshot, db.snapshot(), "a refused request must not write anything");
    }

    static void assertValidationError(JsonPath error, String... mentions) {
        assertEquals("ValidationError", error.getString("extensions.classification"), error.prettify());
        for (String mention : mentions) {
            assertTrue(error.getString("message").contains(mention), () -> "message should name " + mention + ": " + error.getString("message"));
        }
    }

    /** Variables, extensions or an operation name of the wrong JSON type were an HTTP 500 naming a Java class (SmallRye casts them). */
    @Test
    void shouldRejectRequestMembersOfTheWrongJsonTypeWithACode() {
        String save = "mutation { saveUser(input: {uid: \"" + Demo.uid() + "\", name: \"x\"}) { uid } }";
        var before = db.snapshot();
        for (String[] bad : new String[][] {
                { "\"variables\":[1]", "variables" }, { "\"variables\":\"x\"", "variables" }, { "\"variables\":5", "variables" },
                { "\"extensions\":[]", "extensions" }, { "\"operationName\":5", "operationName" },
                { "\"operationName\":{}", "operationName" } }) {
            String body = "{\"query\":" + io.vertx.core.json.Json.encode(save) + "," + bad[0] + "}";
            JsonPath answer = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.admin()).body(body)
                    .when().post("/graphql").then().statusCode(200).extract().jsonPath();
            assertEquals("BAD_REQUEST", answer.getString("errors[0].extensions.code"), body + ": " + answer.prettify());
            assertEquals(bad[1], answer.getString("errors[0].extensions.field"), answer.prettify());
            assertTrue(answer.getString("errors[0].message").contains("'" + bad[1] + "'"), answer.prettify());
        }
        assertEquals(before, db.snapshot(), "nothing written");
    }

    @Test
    void shouldRejectAnUnknownWhereField() {
        assertValidationError(error("{ users(where: {nickname: {eq: \"Ann\"}}) { name } }"), "nickname", "UserWhere");
        assertValidationError(error(USERS, "where", Map.of("nickname", Map.of("eq", "Ann"))), "nickname");
    }

    @Test
    void shouldRejectAnUnknownOperator() {
        assertValidationError(error("{ users(where: {name: {like: \"A%\"}}) { name } }"), "like", "StringFilter");
        assertValidationError(error("{ users(where: {uid: {contains: \"a\"}}) { name } }"), "contains", "UuidFilter");
    }

    @Test
    void shouldRejectWrongTypes() {
        assertValidationError(error("{ users(where: {name: {eq: 5}}) { name } }"), "name");
        assertValidationError(error("{ users(where: {version: {gt: \"new\"}}) { name } }"), "version");
        assertValidationError(error("{ users(includeDeleted: \"yes\") { name } }"), "includeDeleted");
        assertValidationError(error("{ users(where: {name: {in: [{a: 1}]}}) { name } }"), "name");
        JsonPath badDate = error("{ users(where: {createdAt: {lt: \"yesterday\"}}) { name } }");
        assertTrue(badDate.getString("message").contains("yesterday"), badDate.prettify());
        JsonPath badDateVariable = error(USERS, "where", Map.of("createdAt", Map.of("lt", "yesterday")));
        assertTrue(badDateVariable.getString("message").contains("yesterday"), badDateVariable.prettify());
    }

    @Test
    void shouldRejectMalformedUuidsNamingTheirPath() {
        JsonPath eq = error(USERS, "where", Map.of("uid", Map.of("eq", "not-a-uuid")));
        assertEquals("BAD_USER_INPUT", eq.getString("extensions.code"));
        assertEquals("where.uid.eq", eq.getString("extensions.field"));
        assertTrue(eq.getString("message").contains("not-a-uuid"));

        JsonPath inList = error(USERS, "where", Map.of("memberships", Map.of("some", Map.of("groupUid", Map.of("in", List.of(ann, "1234"))))));
        assertEquals("where.memberships.some.groupUid.in[1]", inList.getString("extensions.field"));

        JsonPath input = error("""
                mutation { saveUserDocument(input: {uid: "11111111-1111-1111-1111-111111111111", userUid: "ann", title: "x"}) { uid } }""");
        assertEquals("BAD_USER_INPUT", input.getString("extensions.code"));
        assertEquals("input.userUid", input.getString("extensions.field"));

        JsonPath uid = error("mutation { saveGroup(input: {uid: \"{3f2504e0-4f89-11d3-9a0c-0305e82c3301}\", name: \"x\"}) { uid } }");
        assertEquals("input.uid", uid.getString("extensions.field"));

        JsonPath delete = error("mutation { deleteUser(uid: \"1-2-3-4-5\") { uid } }");
        assertEquals("uid", delete.getString("extensions.field"));
        assertNothingWritten();
    }

    @Test
    void shouldRejectAWhereNestedTooDeep() {
        Map<String, Object> where = Map.of("name", Map.of("eq", "Ann"));
        for (int i = 0; i < 8; i++) {
            where = Map.of("not", where);
        }
        JsonPath error = error(USERS, "where", where);
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"));
        assertTrue(error.getString("extensions.field").startsWith("where.not.not.not"), error.getString("extensions.field"));
        assertTrue(error.getString("message").contains("tidemark.where.max-depth"));

        Map<String, Object> viaRelations = Map.of("name", Map.of("eq", "Ann"));
        for (int i = 0; i < 4; i++) {
            viaRelations = Map.of("memberships", Map.of("some", Map.of("user", viaRelations)));
        }
        assertEquals("LIMIT_EXCEEDED", error(USERS, "where", viaRelations).getString("extensions.code"));

        Map<String, Object> sevenDeep = Map.of("name", Map.of("eq", "Ann"));
        for (int i = 0; i < 7; i++) {
            sevenDeep = Map.of("not", sevenDeep);
        }
        assertEquals(List.of(), ok(USERS, "where", sevenDeep).getList("data.users"), "the limit itself is allowed (8 levels)");
    }

    @Test
    void shouldRejectAnOversizedInList() {
        List<String> names = IntStream.range(0, 501).mapToObj(i -> "n" + i).toList();
        JsonPath error = error(USERS, "where", Map.of("name", Map.of("in", names)));
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"));
        assertEquals("where.name.in", error.getString("extensions.field"));
        assertTrue(error.getString("message").contains("501"));
        assertEquals(List.of(), ok(USERS, "where", Map.of("name", Map.of("notIn", names.subList(0, 500)), "email", Map.of("eq", "x")))
                .getList("data.users"), "500 values are allowed");
    }

    @Test
    void shouldTreatSqlLookingStringsAsPlainValuesInEveryStringOperator() {
        for (String op : List.of("eq", "ne", "lt", "lte", "gt", "gte", "contains", "startsWith")) {
            ok(USERS, "where", Map.of("name", Map.of(op, INJECTION)));
            ok(USERS, "where", Map.of("email", Map.of(op, INJECTION + " OR 1=1")));
        }
        ok(USERS, "where", Map.of("name", Map.of("in", List.of(INJECTION), "notIn", List.of(INJECTION))));
        ok("query($w: UserDocumentEventWhere) { userDocumentEvents(where: $w) { uid } }",
                "w", Map.of("kind", Map.of("contains", "%' OR '1'='1"), "document", Map.of("title", Map.of("startsWith", INJECTION))));
        assertEquals(List.of(), ok(USERS, "where", Map.of("name", Map.of("eq", "Ann' OR '1'='1"))).getList("data.users"));
        assertEquals("BAD_USER_INPUT", error(USERS, "where", Map.of("uid", Map.of("eq", INJECTION))).getString("extensions.code"));
        assertNothingWritten();

        String uid = Demo.user(INJECTION, INJECTION);
        assertEquals(INJECTION, db.row("select name from app_user where uid = ?::uuid", uid).get("name"), "stored verbatim");
        assertEquals(List.of(INJECTION), ok(USERS, "where", Map.of("name", Map.of("eq", INJECTION))).getList("data.users.name"));
    }

    @Test
    void shouldRejectABadWriteWithoutWritingAnything() {
        JsonPath missing = error("""
                mutation($uid: String!, $doc: String!) {
                  saveUserDocumentEvent(input: {uid: $uid, documentUid: $doc, kind: "x"}) { uid }
                }""", "uid", Demo.uid(), "doc", Demo.uid());
        assertEquals("PARENT_NOT_FOUND", missing.getString("extensions.code"));
        assertEquals("input.documentUid", missing.getString("extensions.field"));
        assertValidationError(error("mutation { saveUser(input: {uid: \"11111111-1111-1111-1111-111111111111\"}) { uid } }"), "name");
        assertValidationError(error("mutation { saveUser(input: {uid: \"11111111-1111-1111-1111-111111111111\", name: \"x\", version: 3}) { uid } }"),
                "version");
        assertNothingWritten();
    }

    @Test
    void shouldRejectAQueryDeeperThanTheConfiguredDepth() {
        StringBuilder deep = new StringBuilder("{ users { name");
        for (int level = 0; level < 6; level++) {
            deep.append(" groups { name members { name");
        }
        deep.append(" }".repeat(12)).append(" } }");
        JsonPath error = error(deep.toString());
        assertTrue(error.getString("message").toLowerCase().contains("depth"), error.prettify());
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"), error.prettify());
        assertTrue(error.getString("message").contains("quarkus.smallrye-graphql.instrumentation-query-depth"), error.prettify());
        ok("{ users { groups { members { groups { name } } } } }");
    }

    @Test
    void shouldRefuseACachedDocumentWhoseIncludedPartIsTooDeep() {
        // The same document, parsed once and then served from SmallRye's cache: only $deep changes its depth (13 > 12).
        String document = "query($deep: Boolean!) { users { name groups @include(if: $deep) { members { groups { members {"
                + " groups { members { groups { members { groups { members { groups { name } } } } } } } } } } } } }";
        for (int i = 0; i < 2; i++) {
            assertEquals(1, ok(document, "deep", false).getList("data.users").size());
            JsonPath error = error(document, "deep", true);
            assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"), error.prettify());
            assertEquals("MaxDepthExceeded", error.getString("extensions.validationErrorType"), error.prettify());
            assertTrue(error.getString("message").contains("the operation is 13 fields deep"), error.prettify());
        }
    }

    @Test
    void shouldRejectAQueryOverTheConfiguredComplexity() {
        // 28 aliases (under tidemark.limits.max-aliases) of 15 fields each: 420 fields, over 400.
        StringBuilder query = new StringBuilder("{");
        for (int i = 0; i < 28; i++) {
            query.append(" a").append(i).append(": users { uid name email createdAt updatedAt deletedAt version")
                    .append(" groups { uid name createdAt updatedAt deletedAt version } }");
        }
        JsonPath error = error(query.append(" }").toString());
        assertTrue(error.getString("message").toLowerCase().contains("complexity"), error.prettify());
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"), error.prettify());
        assertTrue(error.getString("message").contains("quarkus.smallrye-graphql.instrumentation-query-complexity"), error.prettify());
    }

    @Test
    void shouldListEveryBadInputErrorWithACode() {
        List<String> codes = new ArrayList<>();
        codes.add(error(USERS, "where", Map.of("uid", Map.of("eq", "x"))).getString("extensions.code"));
        codes.add(error(USERS, "where", Map.of("name", Map.of("in", IntStream.range(0, 600).mapToObj(String::valueOf).toList())))
                .getString("extensions.code"));
        codes.add(error("mutation { deleteGroup(uid: \"11111111-1111-1111-1111-111111111111\") { uid } }").getString("extensions.code"));
        assertEquals(List.of("BAD_USER_INPUT", "LIMIT_EXCEEDED", "NOT_FOUND"), codes);
    }
}
