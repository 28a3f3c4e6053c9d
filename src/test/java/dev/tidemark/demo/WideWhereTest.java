package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Bystander;
import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Hostile;
import dev.tidemark.support.SyncCall;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Wide and/or lists (issue 14, point 2): {@code users(where: {and: [5,000 × {name: {eq: "x"}}]})}
 * overflowed Hibernate's stack (HTTP 500). Every where — queries, sync scopes, subscriptions — is
 * now limited to {@code tidemark.where.max-conditions} conditions counted across nesting, refused
 * with {@code LIMIT_EXCEEDED} and its path, while another client is served; within the limit, a wide
 * list is answered.
 */
@QuarkusTest
class WideWhereTest {

    static final String USERS = "query($where: UserWhere) { users(where: $where) { name } }";
    static final String KEY = "tidemark.where.max-conditions";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    String ann;
    List<Map<String, Object>> snapshot;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", "ann@x.io");
        Demo.user("Bob", null);
        snapshot = db.snapshot();
    }

    static List<Object> names(int count) {
        return Hostile.equalities(count);
    }

    static void assertWidthLimit(JsonPath error, String fieldPrefix) {
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"), error.prettify());
        assertTrue(error.getString("extensions.field").startsWith(fieldPrefix), error.prettify());
        assertTrue(error.getString("message").contains(KEY), error.prettify());
    }

    @Test
    void shouldRefuseA5000WideAndOrOrWithItsPathWhileAnotherClientIsServed() throws Exception {
        try (Bystander bystander = Bystander.start(graphql, "5,000-wide and/or wheres")) {
            for (int i = 0; i < 3; i++) {
                for (String op : List.of("and", "or")) {
                    assertWidthLimit(error(USERS, "where", Map.of(op, names(5000))), "where." + op + "[");
                }
                assertWidthLimit(error(USERS, "where", Map.of("not", Map.of("or", names(5000)))), "where.not.or[");
            }
        }
    }

    @Test
    void shouldCountConditionsAcrossNestingAndRelations() {
        // 200 + 200 conditions in two lists, each fine alone: 1 + 400 + 1 + 400 together, over 500
        List<Object> groups = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            groups.add(Map.of("groupUid", Map.of("eq", Demo.uid())));
        }
        Map<String, Object> viaMemberships = Map.of("memberships", Map.of("some", Map.of("or", groups)));
        assertEquals(List.of(), ok(USERS, "where", viaMemberships).getList("data.users"));
        assertEquals(List.of(), ok(USERS, "where", Map.of("and", names(200))).getList("data.users"));
        assertWidthLimit(error(USERS, "where", Map.of("and", names(200), "memberships", Map.of("some", Map.of("or", groups)))), "where.");
    }

    @Test
    void shouldAnswerAWideOrWithinTheLimit() {
        // 1 + 2 * 249 = 499 conditions: the widest or of equalities that fits; Ann's name is its last item
        List<Object> items = names(248);
        items.add(Map.of("name", Map.of("eq", "Ann")));
        assertEquals(List.of("Ann"), ok(USERS, "where", Map.of("or", items)).getList("data.users.name"));
        List<Object> notX = new ArrayList<>(Collections.nCopies(249, Map.of("name", Map.of("ne", "x"))));
        assertEquals(2, ok(USERS, "where", Map.of("and", notX)).getList("data.users").size());
        assertWidthLimit(error(USERS, "where", Map.of("or", names(250))), "where.or[249]");
    }

    @Test
    void shouldRefuseAWideSyncScopeWritingNothing() {
        JsonPath error = new SyncCall()
                .scope("users", Map.of("or", names(5000)), Map.of(), List.of(SyncCall.change(Demo.uid(), null, "name", "Cy")))
                .sendExpectingError();
        assertWidthLimit(error, "input.users[0].where.or[");
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldRefuseAWideSubscriptionOnlyForItself() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            JsonObject error = GraphQLWs.firstError(ws.message(ws.subscribe("subscription($w: UserWhere) { userChanged(where: $w) { operation } }",
                    "w", Map.of("and", names(5000)))));
            assertEquals("LIMIT_EXCEEDED", error.getJsonObject("extensions").getString("code"), error::toString);
            assertTrue(error.getJsonObject("extensions").getString("field").startsWith("where.and["), error::toString);
            ws.subscribeReady("subscription($w: UserWhere) { userChanged(where: $w) { operation } }", "w", Map.of("or", names(100)));
        }
    }
}
