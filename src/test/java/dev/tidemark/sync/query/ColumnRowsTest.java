package dev.tidemark.sync.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Lists read as columns ({@link ColumnRows}) answer byte for byte what lists of managed entities
 * answer: each document is sent with column reads off, then on, and the two bodies compared; and
 * only selections of columns are read so.
 */
@QuarkusTest
class ColumnRowsTest {

    static final String COLUMNS = "{ users(includeDeleted: true) { uid name email createdBy createdAt updatedAt deletedAt version } }";

    @Inject
    Db db;

    String alice;
    String bob;

    @BeforeEach
    void seed() {
        db.clear();
        alice = Demo.user("Alice", "a@example.com");
        bob = Demo.user("Bob", null);
        String carol = Demo.user("Carol", "c@example.com");
        String group = Demo.group("G");
        Demo.membership(alice, group);
        Demo.membership(bob, group);
        Demo.delete("User", carol);
    }

    @AfterEach
    void restore() {
        ColumnRows.enable(true);
    }

    @Test
    void shouldReadColumnSelectionsAsEntitiesAnswer() {
        assertSame(Tokens.admin(), COLUMNS, Map.of(), true);
        assertSame(Tokens.admin(), "{ users { uid } }", Map.of(), true);
        assertSame(Tokens.admin(), "{ users(where: {email: {eq: \"a@example.com\"}}) { email name } }", Map.of(), true);
        assertSame(Tokens.admin(), "{ groups { name __typename } userGroups { userUid groupUid version } }", Map.of(), true);
    }

    @Test
    void shouldReadAliasesTypenameFragmentsAndDirectivesAsEntitiesAnswer() {
        String document = """
                query($s: Boolean!) {
                  users { id: uid __typename ...F ... on User { n: name } email @skip(if: $s) version @include(if: $s) }
                  again: users(where: {name: {eq: "Alice"}}) { name name uid }
                }
                fragment F on User { createdAt name }""";
        assertSame(Tokens.admin(), document, Map.of("s", true), true);
        assertSame(Tokens.admin(), document, Map.of("s", false), true);
    }

    @Test
    void shouldApplyRowPoliciesAndTombstonesTheSame() {
        assertSame(Tokens.user(UUID.fromString(alice)), COLUMNS, Map.of(), true);
        assertSame(Tokens.user(UUID.fromString(bob)), "{ users { uid name } }", Map.of(), true);
        assertEquals(2, GraphQL.ok("{ users { uid } }").getList("data.users").size(), "the tombstone left out");
    }

    @Test
    void shouldLoadEntitiesWhenTheSelectionHoldsARelation() {
        assertSame(Tokens.admin(), "{ users { uid name memberships { uid group { name } } } }", Map.of(), false);
        assertSame(Tokens.admin(), "{ users { uid ... on User { groups { name } } } }", Map.of(), false);
    }

    @Test
    void shouldRefuseAListOverMaxRowsTheSame() {
        db.update("insert into app_user (uid, created_at, updated_at, name) select gen_random_uuid(), now(), now(), 'u' || i "
                + "from generate_series(1, 10000) i");
        String off = body(Tokens.admin(), "{ users { uid } }", Map.of(), false);
        String on = body(Tokens.admin(), "{ users { uid } }", Map.of(), true);
        assertEquals(off, on);
        assertTrue(on.contains("LIMIT_EXCEEDED"), on);
    }

    private void assertSame(String token, String document, Map<String, Object> variables, boolean expectColumns) {
        long before = ColumnRows.readLists();
        String off = body(token, document, variables, false);
        assertEquals(before, ColumnRows.readLists());
        String on = body(token, document, variables, true);
        assertEquals(off, on, document);
        assertEquals(expectColumns, ColumnRows.readLists() > before, "columns read for " + document);
        assertFalse(on.contains("\"errors\""), on);
    }

    private static String body(String token, String document, Map<String, Object> variables, boolean columns) {
        ColumnRows.enable(columns);
        Object[] pairs = variables.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray();
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body(GraphQL.body(document, pairs)).when().post("/graphql")
                .then().statusCode(200).extract().asString();
    }
}
