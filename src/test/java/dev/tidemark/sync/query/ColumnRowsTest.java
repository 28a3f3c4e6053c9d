package dev.tidemark.sync.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.tidemark.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Lists read as columns ({@link ColumnRows}) answer byte for byte what lists of managed entities
 * answer: each document is sent with column reads off, then on, and the two bodies compared; and
 * only selections of columns are read so.
 */
@QuarkusTest
class ColumnRowsTest {

    static final String COLUMNS = "{ users(includeDeleted: true) { email uid version deletedAt name createdBy } }";

    static final PathSwitch PATH = new PathSwitch("column reads", ColumnRows::enable, ColumnRows::readLists);

    @Inject
    Db db;

    String alice;
    String bob;

    /** Alice and Bob share a group; Carol, whom Alice created, is a tombstone; Dave shares nothing. */
    @BeforeEach
    void seed() {
        // the usual way is what this test measures: a document sent twice would be answered on the route the second time
        DirectQueries.enable(false);
        db.clear();
        alice = Demo.user("Alice", "a@example.com");
        bob = Demo.user("Bob", null);
        Demo.membership(bob, Demo.group("Team"));
        Demo.membership(alice, GraphQL.ok("{ groups { uid } }").getString("data.groups[0].uid"));
        String carol = Demo.uid();
        GraphQL.okAs(Tokens.user(UUID.fromString(alice)), "mutation($uid: String!) { saveUser(input: {uid: $uid, name: \"Carol\"}) { uid } }",
                "uid", carol);
        Demo.delete("User", carol);
        Demo.user("Dave", "d@example.com");
    }

    @AfterEach
    void restore() {
        ColumnRows.enable(true);
        DirectQueries.enable(true);
    }

    @Test
    void shouldReadColumnSelectionsAsEntitiesAnswer() {
        PATH.assertSame(Tokens.admin(), COLUMNS, Map.of(), true);
        PATH.assertSame(Tokens.admin(), "{ users { uid } }", Map.of(), true);
        PATH.assertSame(Tokens.admin(), "{ users(where: {email: {eq: \"a@example.com\"}}) { email name } }", Map.of(), true);
        PATH.assertSame(Tokens.admin(), "{ groups { name __typename } userGroups { userUid groupUid version } }", Map.of(), true);
    }

    @Test
    void shouldReadAliasesTypenameFragmentsAndDirectivesAsEntitiesAnswer() {
        String document = """
                query($s: Boolean!) {
                  users { id: uid __typename ...F ... on User { n: name } email @skip(if: $s) version @include(if: $s) }
                  again: users(where: {name: {eq: "Alice"}}) { name name uid }
                }
                fragment F on User { createdAt name }""";
        PATH.assertSame(Tokens.admin(), document, Map.of("s", true), true);
        PATH.assertSame(Tokens.admin(), document, Map.of("s", false), true);
    }

    @Test
    void shouldApplyRowPoliciesAndTombstonesTheSame() {
        PATH.assertSame(Tokens.user(UUID.fromString(alice)), COLUMNS, Map.of(), true);
        PATH.assertSame(Tokens.user(UUID.fromString(bob)), "{ users { uid name } }", Map.of(), true);
        assertEquals(3, GraphQL.ok("{ users { uid } }").getList("data.users").size(), "the tombstone left out");
    }

    @Test
    void shouldLoadEntitiesWhenTheSelectionHoldsARelation() {
        PATH.assertSame(Tokens.admin(), "{ users { uid name memberships { uid group { name } } } }", Map.of(), false);
        PATH.assertSame(Tokens.admin(), "{ users { uid ... on User { groups { name } } } }", Map.of(), false);
    }

    @Test
    void shouldRefuseAListOverMaxRowsTheSame() {
        db.update("insert into app_user (uid, created_at, updated_at, name) select gen_random_uuid(), now(), now(), 'u' || i "
                + "from generate_series(1, 10000) i");
        String off = PATH.body(Tokens.admin(), "{ users { uid } }", Map.of(), false);
        String on = PATH.body(Tokens.admin(), "{ users { uid } }", Map.of(), true);
        assertEquals(off, on);
        assertTrue(on.contains("LIMIT_EXCEEDED"), on);
    }
}
