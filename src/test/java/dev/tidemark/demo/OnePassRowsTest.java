package dev.tidemark.demo;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.PathSwitch;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.Tokens;
import dev.tidemark.sync.query.DirectQueries;
import dev.tidemark.sync.query.OnePassRows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Lists completed in one pass answer byte for byte what graphql-java's per-field execution answers:
 * each document is sent with the one-pass path off, then on, and the two response bodies compared.
 */
@QuarkusTest
class OnePassRowsTest {

    static final String COLUMNS = "{ users(includeDeleted: true) { uid name email createdBy createdAt updatedAt deletedAt version } }";

    static final PathSwitch PATH = new PathSwitch("one-pass path", OnePassRows::enable, OnePassRows::completedLists);

    @Inject
    Db db;

    String alice;
    String bob;

    @BeforeEach
    void seed() {
        // the usual way is what this test measures: a document sent twice would be answered on the route the second time
        DirectQueries.enable(false);
        db.clear();
        alice = Demo.user("Alice", "a@example.com");
        bob = Demo.user("Bob", null);
        String carol = Demo.user("Carol \"C\" \u00e9\\", "c@example.com");
        String group = Demo.group("G");
        Demo.membership(alice, group);
        Demo.membership(bob, group);
        Demo.event(Demo.document(alice, "D"), "created", "{\"x\":1}");
        Demo.delete("User", carol);
    }

    @AfterEach
    void restore() {
        OnePassRows.enable(true);
        DirectQueries.enable(true);
    }

    @Test
    void shouldAnswerColumnsInOnePassAsGraphqlJavaDoes() {
        PATH.assertSame(Tokens.admin(), COLUMNS, Map.of(), true);
    }

    @Test
    void shouldAnswerAliasesTypenameFragmentsAndDirectivesAsGraphqlJavaDoes() {
        String document = """
                query($s: Boolean!) {
                  users { id: uid __typename ...F ... on User { n: name } email @skip(if: $s) version @include(if: $s) t: __typename }
                  again: users(where: {name: {eq: "Alice"}}) { name name uid }
                }
                fragment F on User { createdAt name }""";
        PATH.assertSame(Tokens.admin(), document, Map.of("s", true), true);
        PATH.assertSame(Tokens.admin(), document, Map.of("s", false), true);
        JsonPath on = GraphQL.ok(document, "s", true);
        assertEquals(List.of("User", "User"), on.getList("data.users.__typename"));
        assertEquals(List.of("User", "User"), on.getList("data.users.t"));
        assertEquals(List.of("Alice", "Bob"), on.getList("data.users.n"));
        assertEquals(List.of(alice, bob), on.getList("data.users.id"));
        assertFalse(on.getMap("data.users[0]").containsKey("email"));
    }

    @Test
    void shouldLeaveNestedRelationsToGraphqlJavaAndAnswerTheSame() {
        // the lists holding relations are graphql-java's; the innermost lists of columns are one-pass
        String document = """
                {
                  users { uid name memberships { uid group { name } user { name } } groups { name members { uid name } } }
                  userDocuments { title events { kind payload document { title } } }
                  groups { uid name }
                }""";
        PATH.assertSame(Tokens.admin(), document, Map.of(), true);
    }

    @Test
    void shouldApplyRowPoliciesTheSame() {
        PATH.assertSame(Tokens.user(UUID.fromString(alice)), COLUMNS, Map.of(), true);
        PATH.assertSame(Tokens.user(UUID.fromString(bob)), "{ users { uid name groups { name } } }", Map.of(), true);
    }

    @Test
    void shouldAnswerIntrospectionAndThePrintedSchemaTheSame() {
        String introspection = """
                { __schema { types { name kind description specifiedByURL fields(includeDeprecated: true) { name isDeprecated
                  args { name defaultValue type { name kind ofType { name kind ofType { name } } } }
                  type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }""";
        PATH.assertSame(Tokens.admin(), introspection, Map.of(), false);
        OnePassRows.enable(false);
        String off = given().when().get("/graphql/schema.graphql").then().statusCode(200).extract().asString();
        OnePassRows.enable(true);
        assertEquals(off, given().when().get("/graphql/schema.graphql").then().statusCode(200).extract().asString());
    }

    @Test
    void shouldReportErrorsTheSame() {
        String document = """
                { bad: users(where: {uid: {eq: "not-a-uid"}}) { uid } good: users { uid name } }""";
        String off = PATH.body(Tokens.admin(), document, Map.of(), false);
        String on = PATH.body(Tokens.admin(), document, Map.of(), true);
        assertEquals(off, on);
        assertTrue(on.contains("\"errors\""), on);
    }

    @Test
    void shouldAnswerTheSyncUpsertsTheSame() {
        String off = syncUsers(false);
        String on = syncUsers(true);
        assertEquals(off, on);
        assertTrue(on.contains("Alice"), on);
    }

    @Test
    void shouldCompleteOnlyColumnListsInOnePass() {
        long before = OnePassRows.completedLists();
        GraphQL.ok(COLUMNS);
        assertEquals(before + 1, OnePassRows.completedLists());
        GraphQL.ok("{ users { uid memberships { uid } } }");
        assertEquals(before + 3, OnePassRows.completedLists(), "the two live users' memberships lists, not the users");
        OnePassRows.enable(false);
        GraphQL.ok(COLUMNS);
        assertEquals(before + 3, OnePassRows.completedLists());
    }

    private String syncUsers(boolean onePass) {
        OnePassRows.enable(onePass);
        JsonPath answer = new SyncCall().scope("users", null, Map.of(), List.of()).send().json();
        // The sync id, the cursor and the stamps name the moment of each sync, not its rows.
        return answer.prettify().replaceAll("\"(syncId|cursor|stamp)\": \"[^\"]*\"", "");
    }
}
