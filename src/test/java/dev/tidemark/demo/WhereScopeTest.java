package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.ok;
import static dev.tidemark.support.GraphQL.vars;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import io.quarkus.test.junit.QuarkusTest;

/** Every where operator, combinator and relation traversal, against real PostgreSQL. */
@QuarkusTest
class WhereScopeTest {

    static final String USERS = """
            query($where: UserWhere, $all: Boolean) { users(where: $where, includeDeleted: $all) { name } }""";

    @Inject
    Db db;

    String ann, bob, cy, dee, red, blue, plan, notes, budget;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", "ann@x.io");
        bob = Demo.user("Bob", "bob@y.org");
        cy = Demo.user("Cy", null);
        dee = Demo.user("Dee_%", "dee@x.io");
        red = Demo.group("Red");
        blue = Demo.group("Blue");
        Demo.membership(ann, red);
        Demo.membership(bob, red);
        Demo.membership(bob, blue);
        Demo.delete("UserGroup", Demo.membership(cy, blue));
        plan = Demo.document(ann, "Plan");
        notes = Demo.document(ann, "Notes");
        budget = Demo.document(bob, "Budget");
        Demo.event(plan, "created", "{}");
        Demo.event(plan, "edited", "{\"title\":\"Plan\"}");
        Demo.event(notes, "created", null);
        Demo.event(budget, "created", "{}");
    }

    static List<String> users(Map<String, Object> where) {
        return users(where, false);
    }

    static List<String> users(Map<String, Object> where, boolean includeDeleted) {
        return ok(USERS, "where", where, "all", includeDeleted).getList("data.users.name");
    }

    static Map<String, Object> on(String field, String op, Object value) {
        return Map.of(field, vars(op, value));
    }

    @Test
    void shouldFilterTextColumnsWithEveryOperator() {
        assertEquals(List.of("Ann"), users(on("name", "eq", "Ann")));
        assertEquals(List.of("Bob", "Cy", "Dee_%"), users(on("email", "ne", "ann@x.io")), "ne keeps null values");
        assertEquals(List.of("Ann", "Bob"), users(on("name", "in", List.of("Bob", "Ann", "Zed"))));
        assertEquals(List.of("Bob", "Cy", "Dee_%"), users(on("name", "notIn", List.of("Ann"))));
        assertEquals(List.of("Ann"), users(on("name", "lt", "Bob")));
        assertEquals(List.of("Ann", "Bob"), users(on("name", "lte", "Bob")));
        assertEquals(List.of("Dee_%"), users(on("name", "gt", "Cy")));
        assertEquals(List.of("Cy", "Dee_%"), users(on("name", "gte", "Cy")));
        assertEquals(List.of("Cy"), users(on("email", "isNull", true)));
        assertEquals(List.of("Ann", "Bob", "Dee_%"), users(on("email", "isNull", false)));
        assertEquals(List.of("Ann", "Dee_%"), users(on("email", "contains", "@x.")));
        assertEquals(List.of("Bob"), users(on("name", "startsWith", "B")));
        assertEquals(List.of(), users(on("name", "startsWith", "b")), "comparisons are case-sensitive");
    }

    @Test
    void shouldMatchLikeWildcardsLiterally() {
        assertEquals(List.of("Dee_%"), users(on("name", "contains", "_%")));
        assertEquals(List.of("Dee_%"), users(on("name", "contains", "%")));
        assertEquals(List.of(), users(on("name", "startsWith", "_")));
        assertEquals(List.of(), users(on("name", "contains", "!")));
    }

    @Test
    void shouldTreatEmptyListsAsMatchingNothingOrEverything() {
        assertEquals(List.of(), users(on("name", "in", List.of())));
        assertEquals(List.of("Ann", "Bob", "Cy", "Dee_%"), users(on("name", "notIn", List.of())));
        assertEquals(List.of(), users(Map.of("or", List.of())));
        assertEquals(List.of("Ann", "Bob", "Cy", "Dee_%"), users(Map.of("and", List.of())));
    }

    @Test
    void shouldFilterUuidColumns() {
        assertEquals(List.of("Bob"), users(on("uid", "eq", bob)));
        assertEquals(List.of("Ann", "Cy", "Dee_%"), users(on("uid", "ne", bob)));
        assertEquals(List.of("Ann", "Cy"), users(on("uid", "in", List.of(cy, ann))));
        assertEquals(List.of("Bob", "Dee_%"), users(on("uid", "notIn", List.of(cy, ann))));
        assertEquals(List.of("Ann", "Bob", "Cy", "Dee_%"), users(on("uid", "isNull", false)));
        assertEquals(List.of("Ann"), users(on("uid", "eq", ann.toUpperCase())), "UUIDs compare by value, not by text");
    }

    @Test
    void shouldFilterTimestampAndVersionColumns() {
        Map<String, Object> bobRow = db.row("select created_at, version from app_user where uid = ?::uuid", bob);
        String bobCreated = ok("query($u: String!) { users(where: {uid: {eq: $u}}) { createdAt } }", "u", bob)
                .getString("data.users[0].createdAt");
        assertEquals(List.of("Bob"), users(on("createdAt", "eq", bobCreated)));
        assertEquals(List.of("Ann"), users(on("createdAt", "lt", bobCreated)));
        assertEquals(List.of("Ann", "Bob"), users(on("createdAt", "lte", bobCreated)));
        assertEquals(List.of("Cy", "Dee_%"), users(on("createdAt", "gt", bobCreated)));
        assertEquals(List.of("Bob", "Cy", "Dee_%"), users(on("createdAt", "gte", bobCreated)));
        assertEquals(List.of("Bob"), users(on("createdAt", "in", List.of(bobCreated))));
        assertEquals(List.of("Ann", "Cy", "Dee_%"), users(on("createdAt", "notIn", List.of(bobCreated))));
        assertEquals(List.of("Ann", "Cy", "Dee_%"), users(on("createdAt", "ne", bobCreated)));
        long version = ((Number) bobRow.get("version")).longValue();
        assertEquals(List.of("Bob"), users(on("version", "eq", version)));
        assertEquals(List.of("Ann"), users(on("version", "lt", version)));
        assertEquals(List.of("Cy", "Dee_%"), users(on("version", "gt", version)));
        assertEquals(List.of("Ann", "Bob"), users(on("version", "lte", version)));
        assertEquals(List.of("Bob", "Cy", "Dee_%"), users(on("version", "gte", version)));
        assertEquals(List.of("Ann", "Cy", "Dee_%"), users(on("version", "ne", version)));
        assertEquals(List.of("Bob"), users(on("version", "in", List.of(version))));
        assertEquals(List.of("Ann", "Cy", "Dee_%"), users(on("version", "notIn", List.of(version))));
    }

    @Test
    void shouldCombineWithAndOrNot() {
        assertEquals(List.of("Ann", "Cy"), users(Map.of("or", List.of(on("name", "eq", "Ann"), on("name", "eq", "Cy")))));
        assertEquals(List.of("Dee_%"), users(Map.of("and", List.of(on("email", "contains", "@x."), on("name", "ne", "Ann")))));
        assertEquals(List.of("Bob", "Cy", "Dee_%"), users(Map.of("not", on("name", "eq", "Ann"))));
        assertEquals(List.of("Ann"), users(Map.of("not", Map.of("not", on("name", "eq", "Ann")))));
        assertEquals(List.of("Bob"), users(Map.of("name", vars("gte", "B", "lt", "C")), false), "operators of one field are ANDed");
        assertEquals(List.of("Dee_%"), users(Map.of("email", vars("contains", "@x."), "name", vars("startsWith", "D"))),
                "fields are ANDed");
        assertEquals(List.of("Ann", "Dee_%"), users(Map.of("or", List.of(
                Map.of("and", List.of(on("email", "contains", "x.io"), on("name", "startsWith", "A"))),
                Map.of("not", Map.of("or", List.of(on("name", "lt", "Dee"), on("email", "isNull", true))))))));
    }

    @Test
    void shouldTraverseManyToOneRelations() {
        List<String> redMembers = ok("""
                { userGroups(where: {group: {name: {eq: "Red"}}}) { user { name } } }""")
                .getList("data.userGroups.user.name");
        assertEquals(List.of("Ann", "Bob"), redMembers);
        List<String> kinds = ok("""
                query($name: String!) {
                  userDocumentEvents(where: {document: {user: {name: {eq: $name}}}}) { kind document { title } }
                }""", "name", "Ann").getList("data.userDocumentEvents.document.title");
        assertEquals(List.of("Plan", "Plan", "Notes"), kinds);
    }

    @Test
    void shouldTraverseToManyRelationsWithSomeAndNone() {
        assertEquals(List.of("Bob"), users(Map.of("memberships", Map.of("some", Map.of("group", on("name", "eq", "Blue"))))),
                "Cy's tombstoned membership does not count");
        assertEquals(List.of("Cy", "Dee_%"), users(Map.of("memberships", Map.of("none", Map.of()))));
        assertEquals(List.of("Ann"), users(Map.of("memberships", Map.of(
                "some", Map.of("groupUid", vars("eq", red)),
                "none", Map.of("groupUid", vars("eq", blue))))));
        assertEquals(List.of("Ann"), users(Map.of("documents", Map.of("some", Map.of("events", Map.of("some", on("kind", "eq", "edited")))))));
        List<String> groups = ok("""
                { groups(where: {memberships: {some: {user: {name: {eq: "Ann"}}}}}) { name } }""").getList("data.groups.name");
        assertEquals(List.of("Red"), groups);
    }

    @Test
    void shouldAnswerTheTutorialQueryLikeItsSql() {
        List<String> viaGraphQL = ok("""
                query($user: String!) {
                  userDocumentEvents(where: {document: {userUid: {eq: $user}}}) { uid }
                }""", "user", ann).getList("data.userDocumentEvents.uid");
        List<String> viaSql = db.rows("""
                SELECT e.uid::text AS uid FROM user_document_event e, user_document d
                WHERE d.user_uid = ?::uuid AND e.document_uid = d.uid ORDER BY e.created_at, e.uid""", ann)
                .stream().map(r -> (String) r.get("uid")).toList();
        assertEquals(3, viaSql.size());
        assertEquals(viaSql, viaGraphQL);
    }

    @Test
    void shouldHideTombstonesUnlessIncludeDeleted() {
        Demo.delete("User", dee);
        assertEquals(List.of("Ann", "Bob", "Cy"), users(null));
        assertEquals(List.of("Ann", "Bob", "Cy", "Dee_%"), users(null, true));
        assertEquals(List.of("Dee_%"), users(on("deletedAt", "isNull", false), true));
        List<Object> memberships = ok("{ userGroups(includeDeleted: true) { deletedAt } }").getList("data.userGroups.deletedAt");
        assertEquals(1, memberships.stream().filter(Objects::nonNull).count());
    }

    @Test
    void shouldResolveEveryRelationField() {
        var data = ok("""
                query($ann: String!) {
                  users(where: {uid: {eq: $ann}}) {
                    memberships { group { name } user { name } }
                    groups { name members { name } }
                    documents { title user { name } events { kind document { title } } }
                  }
                }""", "ann", ann);
        assertEquals(List.of("Red"), data.getList("data.users[0].memberships.group.name"));
        assertEquals(List.of("Ann"), data.getList("data.users[0].memberships.user.name"));
        assertEquals(List.of("Red"), data.getList("data.users[0].groups.name"));
        assertEquals(List.of(List.of("Ann", "Bob")), data.getList("data.users[0].groups.members.name"));
        assertEquals(List.of("Plan", "Notes"), data.getList("data.users[0].documents.title"));
        assertEquals(List.of(List.of("created", "edited"), List.of("created")), data.getList("data.users[0].documents.events.kind"));
        assertNotNull(data.get("data.users[0].documents[0].events[0].document.title"));
        List<String> blueMembers = ok("{ groups(where: {name: {eq: \"Blue\"}}) { members { name } } }")
                .getList("data.groups[0].members.name");
        assertEquals(List.of("Bob"), blueMembers, "a tombstoned membership is not a member");
    }
}
