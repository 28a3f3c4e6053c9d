package dev.tidemark.sync.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.sync.where.StringFilter;
import dev.tidemark.sync.where.VersionFilter;
import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.PathSwitch;
import dev.tidemark.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A list query's where bound from graphql-java's value ({@link BoundWheres}) answers byte for byte
 * what SmallRye's JSON-B binding answers: each document is sent with the binding off, then on, and
 * the two bodies compared (errors included); a where holding a value that needs a conversion is left
 * to SmallRye.
 */
@QuarkusTest
class BoundWheresTest {

    static final String LOOKUP = "query($w: UserWhere) { users(where: $w) { uid name email createdAt updatedAt deletedAt version } }";

    static final PathSwitch PATH = new PathSwitch("where binding", BoundWheres::enable, BoundWheres::boundWheres);

    @Inject
    Db db;

    String alice;
    String bob;
    String team;

    @BeforeEach
    void seed() {
        // the usual way is what this test measures: a document sent twice would be answered on the route the second time
        DirectQueries.enable(false);
        db.clear();
        alice = Demo.user("Alice", "a@example.com");
        bob = Demo.user("Bob \"the\" \\ \u2028 😀", null);
        team = Demo.group("Team");
        Demo.membership(alice, team);
        Demo.membership(bob, team);
        Demo.user("Dave", "d@example.com");
    }

    @AfterEach
    void restore() {
        BoundWheres.enable(true);
        DirectQueries.enable(true);
    }

    @Test
    void shouldAnswerALookupByUidAsJsonBBindingDoes() {
        PATH.assertSame(Tokens.admin(), LOOKUP, Map.of("w", Map.of("uid", Map.of("eq", alice))), true);
        PATH.assertSame(Tokens.user(UUID.fromString(alice)), LOOKUP, Map.of("w", Map.of("uid", Map.of("eq", bob))), true);
        PATH.assertSame(Tokens.admin(), LOOKUP, Map.of("w", Map.of()), true);
    }

    @Test
    void shouldBindNestedWheresListsAndRelationsAsJsonBBindingDoes() {
        String document = """
                query($team: String!, $names: [String]) {
                  users(where: {and: [{name: {in: $names}}, {not: {email: {isNull: true}}}],
                                or: [{uid: {ne: "00000000-0000-0000-0000-000000000000"}}, {email: {startsWith: "a@"}}],
                                memberships: {some: {group: {uid: {eq: $team}}}}}) { uid name }
                  groups(where: {name: {contains: "ea"}, memberships: {none: {user: {name: {eq: "Dave"}}}}}) { name }
                }""";
        PATH.assertSame(Tokens.admin(), document, Map.of("team", team, "names", List.of("Alice", "Bob \"the\" \\ \u2028 😀")), true);
        // relation fields below a bound where: batched by graphql-java's data loaders, as before
        PATH.assertSame(Tokens.admin(), "{ users(where: {email: {eq: \"a@example.com\"}}) { uid memberships { group { name } } groups { name } } }",
                Map.of(), true);
        PATH.assertSame(Tokens.admin(), "{ users(where: {name: {eq: \"Bob \\\"the\\\" \\\\ \\u2028 😀\"}}) { uid name } }", Map.of(), true);
    }

    @Test
    void shouldLeaveDateTimesAndVersionsToSmallRye() {
        PATH.assertSame(Tokens.admin(), LOOKUP, Map.of("w", Map.of("createdAt", Map.of("lt", "2999-01-01T00:00:00Z"))), false);
    }

    @Test
    void shouldAnswerBadWheresWithTheSameErrors() {
        List<Object> withNull = new ArrayList<>(Arrays.asList(Map.of("name", Map.of("eq", "Alice")), null));
        for (Map<String, Object> where : List.<Map<String, Object>>of(
                Map.of("uid", Map.of("eq", "not a uuid")),
                Map.of("and", withNull),
                Map.of("uid", Map.of("in", List.of(alice, "nope"))))) {
            String off = PATH.body(Tokens.admin(), LOOKUP, Map.of("w", where), false);
            String on = PATH.body(Tokens.admin(), LOOKUP, Map.of("w", where), true);
            assertEquals(off, on, where.toString());
            assertTrue(on.contains("\"errors\""), on);
        }
    }

    @Test
    void shouldLeaveValuesThatNeedAConversionToSmallRye() {
        assertNull(BoundWheres.bind(VersionFilter.class, Map.of("eq", 5)), "an Integer for a Long");
        assertNull(BoundWheres.bind(StringFilter.class, Map.of("nope", "x")), "a field the class lacks");
        assertNull(BoundWheres.bind(StringFilter.class, Map.of("in", List.of("a", 1))), "a number in a list of strings");
        VersionFilter version = (VersionFilter) BoundWheres.bind(VersionFilter.class, Map.of("eq", 5L, "in", List.of(1L, 2L)));
        assertEquals(5L, version.eq);
        assertEquals(List.of(1L, 2L), version.in);
    }
}
