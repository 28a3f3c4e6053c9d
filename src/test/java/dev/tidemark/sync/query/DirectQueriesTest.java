package dev.tidemark.sync.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A list query answered directly ({@link DirectQueries}: SQL over JDBC, no SmallRye handler,
 * graphql-java execution or Hibernate) answers what the usual way answers: each request is sent with
 * the direct path off, then on twice (the first teaches it the document and the content type, the
 * second is answered directly), and the three answers' status, content type and bytes compared; the
 * path is taken exactly when expected. Wheres of every operator, relations, row policies, tombstones,
 * aliases, literals and variables; and a seeded random sample of wheres.
 */
@QuarkusTest
class DirectQueriesTest {

    static final String LOOKUP = "query($w: UserWhere) { users(where: $w) { uid name email createdAt updatedAt deletedAt version } }";

    @Inject
    Db db;

    String alice;
    String bob;
    String carol;
    String team;
    String other;

    @BeforeEach
    void seed() {
        db.clear();
        alice = Demo.user("Alice", "a@example.com");
        bob = Demo.user("Bob \"the\" \\ \u2028 😀 100%_off!", null);
        carol = Demo.user("Carol", "c@example.com");
        team = Demo.group("Team");
        other = Demo.group("Other_%");
        Demo.membership(alice, team);
        Demo.membership(bob, team);
        Demo.membership(carol, other);
        Demo.delete("User", Demo.user("Dave", "d@example.com"));
    }

    @AfterEach
    void restore() {
        DirectQueries.enable(true);
    }

    /** The answer's status, content type and body. */
    private static String answer(String token, String accept, String body) {
        RequestSpecification request = given().contentType("application/json").body(body);
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            request = request.accept(accept);
        }
        Response response = request.when().post("/graphql");
        return response.statusCode() + " " + response.contentType() + "\n" + response.body().asString();
    }

    /** A body sent in another charset than UTF-8, as its Content-Type says: read as the usual way reads it. */
    @Test
    void shouldReadABodyInTheCharsetItsContentTypeNames() {
        Demo.user("Zoë", "z@example.com");
        String body = body("query($n: String) { users(where: {name: {eq: $n}}) { name } }", Map.of("n", "Zoë"));
        String[] answers = new String[3];
        for (int i = 0; i < 3; i++) {
            DirectQueries.enable(i > 0);
            long before = DirectQueries.answered();
            Response response = given().contentType("application/json; charset=ISO-8859-1").body(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                    .header("Authorization", "Bearer " + Tokens.admin()).when().post("/graphql");
            answers[i] = response.statusCode() + " " + response.contentType() + "\n" + response.body().asString();
            assertEquals(i == 2, DirectQueries.answered() > before, "answered directly, request " + i);
        }
        assertEquals(answers[0], answers[1]);
        assertEquals(answers[0], answers[2]);
        assertTrue(answers[0].contains("\"name\":\"Zoë\""), answers[0]);
    }

    /** Off, then on twice: the same three answers, taken directly on the last exactly when {@code expectDirect}. */
    private static String assertSame(String token, String accept, String body, boolean expectDirect) {
        DirectQueries.enable(false);
        String usual = answer(token, accept, body);
        DirectQueries.enable(true);
        String learning = answer(token, accept, body);
        long before = DirectQueries.answered();
        String direct = answer(token, accept, body);
        assertEquals(usual, learning, body);
        assertEquals(usual, direct, body);
        assertEquals(expectDirect, DirectQueries.answered() > before, "answered directly: " + body);
        return direct;
    }

    private static String assertSame(String token, String document, Map<String, Object> variables, boolean expectDirect) {
        return assertSame(token, null, body(document, variables), expectDirect);
    }

    private static String body(String document, Map<String, Object> variables) {
        List<Object> pairs = new ArrayList<>();
        variables.forEach((k, v) -> {
            pairs.add(k);
            pairs.add(v);
        });
        return GraphQL.body(document, pairs.toArray());
    }

    @Test
    void shouldAnswerALookupAsTheUsualWayDoes() {
        String answer = assertSame(Tokens.admin(), LOOKUP, Map.of("w", Map.of("uid", Map.of("eq", alice))), true);
        assertTrue(answer.startsWith("200 ") && answer.contains("\"name\":\"Alice\""), answer);
        // under a user's row policy: one visible row, one invisible
        assertSame(Tokens.user(UUID.fromString(alice)), LOOKUP, Map.of("w", Map.of("uid", Map.of("eq", alice))), true);
        assertSame(Tokens.user(UUID.fromString(alice)), LOOKUP, Map.of("w", Map.of("uid", Map.of("eq", carol))), true);
        assertSame(Tokens.admin(), LOOKUP, Map.of("w", Map.of()), true);
        assertSame(Tokens.admin(), LOOKUP, Map.of(), true);
    }

    @Test
    void shouldAnswerLiteralsAliasesTypenamesAndTombstones() {
        assertSame(Tokens.admin(), """
                { people: users(includeDeleted: true, where: {or: [{name: {startsWith: "Bob \\"the\\" \\\\"}}, {name: {eq: "Dave"}}]}) {
                    __typename id: uid n: name email version } }""", Map.of(), true);
        assertSame(Tokens.admin(), "query Q($d: Boolean!) { groups(includeDeleted: $d) { name uid } }", Map.of("d", false), true);
        assertSame(Tokens.admin(), "{ userGroups { uid userUid groupUid } }", Map.of(), true);
        // an optional variable for the defaulted argument: absent (the default), then an explicit null (as false;
        // it was an INTERNAL error the usual way: SmallRye passed null to a primitive boolean)
        String optional = "query($d: Boolean) { users(includeDeleted: $d) { name } }";
        assertSame(Tokens.admin(), optional, Map.of(), true);
        Map<String, Object> explicitNull = new java.util.HashMap<>();
        explicitNull.put("d", null);
        String asFalse = assertSame(Tokens.admin(), optional, explicitNull, true);
        assertTrue(!asFalse.contains("\"errors\"") && !asFalse.contains("Dave"), asFalse);
    }

    @Test
    void shouldAnswerRelationsAndEveryOperatorAsTheUsualWayDoes() {
        String document = """
                query($team: String!, $names: [String]) {
                  users(where: {and: [{name: {in: $names}}, {not: {email: {isNull: true}}}],
                                or: [{uid: {ne: "00000000-0000-0000-0000-000000000000"}}, {email: {startsWith: "a@"}}],
                                memberships: {some: {group: {uid: {eq: $team}}}}}) { uid name }
                }""";
        assertSame(Tokens.admin(), document, Map.of("team", team, "names", List.of("Alice", "Carol")), true);
        assertSame(Tokens.user(UUID.fromString(bob)), document, Map.of("team", team, "names", List.of("Alice", "Carol")), true);
        assertSame(Tokens.admin(), "{ groups(where: {name: {contains: \"_%\"}, memberships: {none: {user: {name: {eq: \"Dave\"}}}}}) { name } }",
                Map.of(), true);
        assertSame(Tokens.admin(), "{ users(where: {name: {contains: \"100%_off!\"}}) { name } }", Map.of(), true);
        assertSame(Tokens.admin(), "{ users(where: {name: {gte: \"B\", lt: \"Carol\"}, email: {notIn: [\"a@example.com\"]}}) { name } }",
                Map.of(), true);
        assertSame(Tokens.admin(), "{ users(where: {uid: {in: []}}) { name } }", Map.of(), true);
        assertSame(Tokens.admin(), "{ users(where: {uid: {notIn: []}, memberships: {none: {}}}) { name } }", Map.of(), true);
    }

    @Test
    void shouldAnswerTheSameContentTypeForEachAcceptHeader() {
        String body = body(LOOKUP, Map.of("w", Map.of("uid", Map.of("eq", alice))));
        for (String accept : new String[] { "application/json", "*/*", "application/graphql-response+json, application/json;q=0.9",
                "application/graphql+json; charset=utf-8", "text/html" }) {
            assertSame(Tokens.admin(), accept, body, !accept.equals("text/html"));
        }
    }

    @Test
    void shouldLeaveEverythingElseToTheUsualWay() {
        // fragments, directives, a relation selected, two root fields, a date-time where, a number variable
        assertSame(Tokens.admin(), "{ users { ...F } } fragment F on User { uid }", Map.of(), false);
        assertSame(Tokens.admin(), "query($x: Boolean!) { users { uid name @include(if: $x) } }", Map.of("x", true), false);
        assertSame(Tokens.admin(), "{ users { uid memberships { uid } } }", Map.of(), false);
        assertSame(Tokens.admin(), "{ users { uid } groups { uid } }", Map.of(), false);
        assertSame(Tokens.admin(), LOOKUP, Map.of("w", Map.of("createdAt", Map.of("lt", "2999-01-01T00:00:00Z"))), false);
        assertSame(Tokens.admin(), "query($v: Long) { users(where: {version: {gte: $v}}) { uid } }", Map.of("v", 1), false);
        assertSame(Tokens.admin(), null, "{\"query\":\"{ users { uid } }\",\"extensions\":{}}", false);
        assertSame(Tokens.admin(), "mutation { saveGroup(input: {uid: \"" + UUID.randomUUID() + "\", name: \"x\"}) { uid } }", Map.of(),
                false);
    }

    @Test
    void shouldAnswerErrorsTheUsualWay() {
        for (Map<String, Object> where : List.<Map<String, Object>>of(
                Map.of("uid", Map.of("eq", "not a uuid")),
                Map.of("uid", Map.of("in", List.of(alice, "nope"))),
                Map.of("nope", Map.of("eq", "x")),
                Map.of("name", "Alice"))) {
            String answer = assertSame(Tokens.admin(), LOOKUP, Map.of("w", where), false);
            assertTrue(answer.contains("\"errors\""), answer);
        }
        String noToken = assertSame(null, null, body(LOOKUP, Map.of()), false);
        assertTrue(noToken.contains("UNAUTHENTICATED"), noToken);
        assertSame(Tokens.admin(), null, "{\"query\":\"{ users { uid } \"", false);
        String listOfVariables = assertSame(Tokens.admin(), null, "{\"query\":\"{ users { uid } }\",\"variables\":[1]}", false);
        assertTrue(listOfVariables.startsWith("200 ") && listOfVariables.contains("BAD_REQUEST"), listOfVariables);
    }

    /** Random wheres over names, emails, uids and memberships, and/or/not nested; the seed is printed. */
    @Test
    void shouldAnswerRandomWheresAsTheUsualWayDoes() {
        long seed = Long.getLong("direct.seed", 20261203L);
        System.out.println("DirectQueriesTest random wheres: seed " + seed + " (-Ddirect.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        String[] tokens = { Tokens.admin(), Tokens.user(UUID.fromString(alice)), Tokens.user(UUID.fromString(carol)) };
        for (int i = 0; i < 40; i++) {
            Map<String, Object> where = where(random, 2);
            String token = tokens[random.nextInt(tokens.length)];
            assertSame(token, LOOKUP, Map.of("w", where), true);
        }
    }

    private Map<String, Object> where(Random random, int depth) {
        Map<String, Object> where = new LinkedHashMap<>();
        int parts = 1 + random.nextInt(2);
        for (int p = 0; p < parts; p++) {
            switch (random.nextInt(depth > 0 ? 7 : 4)) {
                case 0 -> where.put("name", filter(random, new String[] { "Alice", "Carol", "Bob", "A", "l", "%", "_", "!" }));
                case 1 -> where.put("email", filter(random, new String[] { "a@example.com", "c@example.com", "@", "x" }));
                case 2 -> where.put("uid", uidFilter(random));
                case 3 -> where.put("createdBy", Map.of("isNull", random.nextBoolean()));
                case 4 -> where.put(random.nextBoolean() ? "and" : "or", List.of(where(random, depth - 1), where(random, depth - 1)));
                case 5 -> where.put("not", where(random, depth - 1));
                default -> where.put("memberships", Map.of(random.nextBoolean() ? "some" : "none",
                        Map.of("group", Map.of("uid", Map.of("eq", random.nextBoolean() ? team : other)))));
            }
        }
        return where;
    }

    private static Map<String, Object> filter(Random random, String[] values) {
        String value = values[random.nextInt(values.length)];
        return switch (random.nextInt(9)) {
            case 0 -> Map.of("eq", value);
            case 1 -> Map.of("ne", value);
            case 2 -> Map.of("in", List.of(value, values[random.nextInt(values.length)]));
            case 3 -> Map.of("notIn", List.of(value));
            case 4 -> Map.of("contains", value);
            case 5 -> Map.of("startsWith", value);
            case 6 -> Map.of("isNull", random.nextBoolean());
            case 7 -> Map.of("gt", value);
            default -> Map.of("lte", value);
        };
    }

    private Map<String, Object> uidFilter(Random random) {
        String[] uids = { alice, bob, carol, new UUID(random.nextLong(), random.nextLong()).toString() };
        String value = uids[random.nextInt(uids.length)];
        return switch (random.nextInt(4)) {
            case 0 -> Map.of("eq", value);
            case 1 -> Map.of("ne", value);
            case 2 -> Map.of("in", List.of(value, uids[random.nextInt(uids.length)]));
            default -> Map.of("notIn", List.of(value));
        };
    }
}
