package dev.tidemark.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.SyncCall;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Invariant I8 for every table, as Alice, who has no rights on Mallory's rows ({@link PolicyWorld}):
 * reads that widen the where, relation fields, subscriptions, direct writes and sync writes
 * (changes, tombstones, taking over a uid, joining a foreign group) are refused or narrowed, write
 * nothing and leak nothing. What Alice may do she can do.
 */
@QuarkusTest
class RowPolicyTest {

    static final Duration QUIET = Duration.ofMillis(800);

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldListExactlyTheRowsTheUserMaySee() {
        PolicyWorld w = new PolicyWorld();
        assertEquals(Set.of(w.alice, w.bob), uids(w, "users", null));
        assertEquals(Set.of(w.ours), uids(w, "groups", null));
        assertEquals(Set.of(w.aliceInOurs, w.bobInOurs), uids(w, "userGroups", null));
        assertEquals(Set.of(w.aliceDoc), uids(w, "userDocuments", null));
        assertEquals(Set.of(w.aliceEvent), uids(w, "userDocumentEvents", null));
    }

    @Test
    void shouldNotWidenTheScopeWithOrNotOrRelationTraversal() {
        PolicyWorld w = new PolicyWorld();
        Object[][] attempts = {
            { "users", Map.of("or", List.of(eq("uid", w.mallory), eq("uid", w.xavier))), Set.of() },
            { "users", Map.of("not", eq("uid", w.alice)), Set.of(w.bob) },
            // Bob is visible, his membership of Theirs is not: the where may not probe it.
            { "users", Map.of("uid", Map.of("eq", w.bob), "memberships", Map.of("some", eq("groupUid", w.theirs))), Set.of() },
            { "users", Map.of("memberships", Map.of("some", Map.of("group", Map.of("name", Map.of("startsWith", "Theirs"))))), Set.of() },
            { "users", Map.of("memberships", Map.of("none", eq("groupUid", w.theirs))), Set.of(w.alice, w.bob) },
            { "groups", Map.of("or", List.of(eq("uid", w.theirs), eq("uid", w.ours))), Set.of(w.ours) },
            { "groups", Map.of("memberships", Map.of("some", eq("userUid", w.mallory))), Set.of() },
            { "userGroups", Map.of("group", eq("uid", w.theirs)), Set.of() },
            { "userGroups", eq("userUid", w.bob), Set.of(w.bobInOurs) },
            { "userGroups", Map.of("user", Map.of("memberships", Map.of("some", eq("groupUid", w.theirs)))), Set.of() },
            { "userDocuments", Map.of("user", eq("uid", w.mallory)), Set.of() },
            { "userDocuments", Map.of("or", List.of(eq("userUid", w.mallory), Map.of("title", Map.of("contains", "")))), Set.of(w.aliceDoc) },
            { "userDocumentEvents", Map.of("document", eq("userUid", w.mallory)), Set.of() },
            { "userDocumentEvents", Map.of("not", Map.of("document", eq("userUid", w.alice))), Set.of() },
        };
        for (Object[] attempt : attempts) {
            @SuppressWarnings("unchecked")
            Map<String, Object> where = (Map<String, Object>) attempt[1];
            assertEquals(attempt[2], uids(w, (String) attempt[0], where), () -> attempt[0] + " where " + where);
        }
    }

    @Test
    void shouldLeaveForeignRowsOutOfRelationFields() {
        PolicyWorld w = new PolicyWorld();
        JsonPath response = GraphQL.okAs(w.aliceToken, """
                query {
                  users { uid groups { uid name members { uid name } } memberships { uid groupUid group { uid name } } documents { uid title events { uid } } }
                  userGroups { uid user { uid name } group { uid name memberships { uid userUid } } }
                  groups { uid members { uid } memberships { uid user { uid } } }
                }""");
        w.assertNoLeak("relation fields", response.prettify());
        Map<String, Object> bob = response.<Map<String, Object>>getList("data.users").stream()
                .filter(u -> w.bob.equals(u.get("uid"))).findFirst().orElseThrow();
        assertEquals(List.of(Map.of("uid", w.bobInOurs, "groupUid", w.ours, "group", Map.of("uid", w.ours,
                "name", name(w, "groups", w.ours)))), bob.get("memberships"));
        assertEquals(List.of(), bob.get("documents"));
    }

    @Test
    void shouldNotDeliverEventsOfForeignRowsToSubscriptions() {
        PolicyWorld w = new PolicyWorld();
        try (GraphQLWs alice = GraphQLWs.connect(graphql, w.aliceToken);
                GraphQLWs sentinel = GraphQLWs.connect(graphql, w.aliceToken)) {
            List<String> ids = List.of(
                    alice.subscribeReady("subscription($w: UserWhere) { userChanged(where: $w) { operation uid row { uid name email } } }",
                            "w", Map.of("or", List.of(eq("uid", w.mallory), eq("uid", w.xavier)))),
                    alice.subscribeReady("subscription($w: GroupWhere) { groupChanged(where: $w) { operation uid row { uid name } } }",
                            "w", eq("uid", w.theirs)),
                    alice.subscribeReady("subscription($w: UserGroupWhere) { userGroupChanged(where: $w) { operation uid row { uid userUid } } }",
                            "w", eq("groupUid", w.theirs)),
                    alice.subscribeReady("subscription($w: UserDocumentWhere) { userDocumentChanged(where: $w) { operation uid row { title } } }",
                            "w", eq("userUid", w.mallory)),
                    alice.subscribeReady("subscription { userDocumentEventChanged { operation uid row { uid payload document { title } } } }"));
            String mine = sentinel.subscribeReady("subscription($w: GroupWhere) { groupChanged(where: $w) { operation uid } }",
                    "w", eq("uid", w.ours));

            GraphQL.ok("mutation($uid: String!) { saveUser(input: {uid: $uid, name: \"Mallory secret rename\"}) { uid } }", "uid", w.mallory);
            GraphQL.ok("mutation($uid: String!) { saveGroup(input: {uid: $uid, name: \"Theirs secret rename\"}) { uid } }", "uid", w.theirs);
            Demo.membership(Demo.user("Newcomer secret", null), w.theirs);
            Demo.event(w.malloryDoc, "edited", "{\"secret\":1}");
            Demo.delete("UserGroup", w.xavierInTheirs);
            GraphQL.ok("mutation($uid: String!) { saveGroup(input: {uid: $uid, name: \"Ours renamed\"}) { uid } }", "uid", w.ours);

            assertEquals(w.ours, sentinel.event(mine).getString("uid")); // written last: the others' batches are delivered
            // A relation-crossing scope may be told to sync (RESYNC: no row); no foreign row or uid ever arrives.
            for (String id : ids) {
                for (JsonObject message = alice.messageOrNull(id, QUIET); message != null; message = alice.messageOrNull(id, QUIET)) {
                    JsonObject event = message.getJsonObject("payload").getJsonObject("data");
                    event = event.getJsonObject(event.keySet().iterator().next());
                    assertEquals("RESYNC", event.getString("operation"), message::toString);
                    w.assertNoLeak("event of " + id, message);
                }
            }
        }
    }

    @Test
    void shouldRefuseDirectWritesOfForeignRowsAndWriteNothing() {
        PolicyWorld w = new PolicyWorld();
        Map<String, Map<String, Object>> before = w.snapshot();
        String[][] writes = {
            { "mutation($u: String!) { saveUser(input: {uid: $u, name: \"Pwned\"}) { uid } }", w.mallory },
            { "mutation($u: String!) { saveGroup(input: {uid: $u, name: \"Pwned\"}) { uid } }", w.theirs },
            { "mutation($u: String!) { saveUserGroup(input: {uid: $u, userUid: \"" + w.alice + "\", groupUid: \"" + w.ours + "\"}) { uid } }", w.malloryInTheirs },
            { "mutation($u: String!) { saveUserDocument(input: {uid: $u, userUid: \"" + w.alice + "\", title: \"Mine now\"}) { uid } }", w.malloryDoc },
            { "mutation($u: String!) { saveUserDocumentEvent(input: {uid: $u, documentUid: \"" + w.aliceDoc + "\", kind: \"x\"}) { uid } }", w.malloryEvent },
            { "mutation($u: String!) { deleteUser(uid: $u) { uid } }", w.xavier },
            { "mutation($u: String!) { deleteGroup(uid: $u) { uid } }", w.theirs },
            { "mutation($u: String!) { deleteUserGroup(uid: $u) { uid } }", w.bobInTheirs },
            { "mutation($u: String!) { deleteUserDocument(uid: $u) { uid } }", w.malloryDoc },
            { "mutation($u: String!) { deleteUserDocumentEvent(uid: $u) { uid } }", w.malloryEvent },
        };
        for (String[] write : writes) {
            assertForbidden(w, write[0], write[1]);
        }
        // New rows that would reach foreign ones: joining a foreign group, pulling a hidden user into
        // mine, a document for someone else, an event on a foreign document.
        String[][] creations = {
            { "mutation($u: String!) { saveUserGroup(input: {uid: $u, userUid: \"" + w.alice + "\", groupUid: \"" + w.theirs + "\"}) { uid } }" },
            { "mutation($u: String!) { saveUserGroup(input: {uid: $u, userUid: \"" + w.bob + "\", groupUid: \"" + w.theirs + "\"}) { uid } }" },
            { "mutation($u: String!) { saveUserGroup(input: {uid: $u, userUid: \"" + w.mallory + "\", groupUid: \"" + w.ours + "\"}) { uid } }" },
            { "mutation($u: String!) { saveUserDocument(input: {uid: $u, userUid: \"" + w.mallory + "\", title: \"Gift\"}) { uid } }" },
            { "mutation($u: String!) { saveUserDocumentEvent(input: {uid: $u, documentUid: \"" + w.malloryDoc + "\", kind: \"x\"}) { uid } }" },
        };
        for (String[] creation : creations) {
            String uid = Demo.uid();
            assertForbidden(w, creation[0], uid);
            for (String query : List.of("userGroups", "userDocuments", "userDocumentEvents")) {
                assertNull(PolicyWorld.row(query, uid), () -> "refused " + creation[0] + " wrote " + uid);
            }
        }
        assertEquals(before, w.snapshot(), "a refused write changed a foreign row");
    }

    @Test
    void shouldRefuseForeignChangesThroughSyncAndWriteNothing() {
        PolicyWorld w = new PolicyWorld();
        Map<String, Map<String, Object>> before = w.snapshot();
        String now = OffsetDateTime.now().toString();
        String joinTheirs = Demo.uid();
        String pullMallory = Demo.uid();
        String giftDoc = Demo.uid();
        String foreignEvent = Demo.uid();
        SyncCall.Result result = new SyncCall()
                .scope("users", null, Map.of(w.mallory, version(before, w.mallory)), List.of(
                        SyncCall.change(w.xavier, null, "name", "Taken over", "createdAt", now, "updatedAt", now),
                        SyncCall.change(w.bob, version(before, w.bob), "name", "Bob renamed by Alice", "updatedAt", now)))
                .scope("groups", null, Map.of(), List.of(
                        SyncCall.change(w.theirs, version(before, w.theirs), "name", "Pwned", "updatedAt", now)))
                .scope("userGroups", null, Map.of(), List.of(
                        SyncCall.change(joinTheirs, null, "userUid", w.alice, "groupUid", w.theirs, "createdAt", now, "updatedAt", now),
                        SyncCall.change(pullMallory, null, "userUid", w.mallory, "groupUid", w.ours, "createdAt", now, "updatedAt", now),
                        SyncCall.change(w.bobInTheirs, version(before, w.bobInTheirs), "userUid", w.bob, "groupUid", w.theirs,
                                "updatedAt", now, "deletedAt", now)))
                .scope("userDocuments", null, Map.of(), List.of(
                        SyncCall.change(giftDoc, null, "userUid", w.mallory, "title", "Gift", "createdAt", now, "updatedAt", now),
                        SyncCall.change(w.malloryDoc, version(before, w.malloryDoc), "userUid", w.alice, "title", "Mine",
                                "updatedAt", now)))
                .scope("userDocumentEvents", null, Map.of(), List.of(
                        SyncCall.change(foreignEvent, null, "documentUid", w.malloryDoc, "kind", "x", "createdAt", now, "updatedAt", now),
                        SyncCall.change(w.malloryEvent, version(before, w.malloryEvent), "documentUid", w.malloryDoc, "kind", "x",
                                "updatedAt", now, "deletedAt", now)))
                .sendAs(w.aliceToken);

        assertEquals(List.of(w.bob), result.applied("users"), "the one allowed change: Bob, whom Alice sees");
        assertEquals("UID_TAKEN", result.reason("users", w.xavier));
        assertEquals("OUT_OF_SCOPE", result.reason("groups", w.theirs));
        assertEquals("FORBIDDEN", result.reason("userGroups", joinTheirs), "joining a foreign group");
        assertEquals("FORBIDDEN", result.reason("userGroups", pullMallory), "adding a hidden user to my group");
        assertEquals("OUT_OF_SCOPE", result.reason("userGroups", w.bobInTheirs), "tombstoning a foreign membership");
        assertEquals("OUT_OF_SCOPE", result.reason("userDocuments", giftDoc));
        assertEquals("OUT_OF_SCOPE", result.reason("userDocuments", w.malloryDoc));
        assertEquals("OUT_OF_SCOPE", result.reason("userDocumentEvents", foreignEvent));
        assertEquals("OUT_OF_SCOPE", result.reason("userDocumentEvents", w.malloryEvent));
        for (String table : List.of("groups", "userGroups", "userDocuments", "userDocumentEvents")) {
            assertEquals(List.of(), result.applied(table), table);
            w.assertNoLeak(table + " upserts", result.upserts(table));
        }
        w.assertNoLeak("users upserts", result.upserts("users"));
        assertTrue(result.drops("users").contains(w.mallory), "a held foreign row is dropped, not sent");
        for (String uid : List.of(joinTheirs, pullMallory, giftDoc, foreignEvent)) {
            for (String query : List.of("userGroups", "userDocuments", "userDocumentEvents")) {
                assertNull(PolicyWorld.row(query, uid), "refused " + uid + " was written");
            }
        }
        Map<String, Map<String, Object>> after = w.snapshot();
        after.remove(w.bob);
        before.remove(w.bob);
        assertEquals(before, after, "a refused change touched a foreign row");
        assertNull(PolicyWorld.row("users", w.xavier).get("deletedAt"));
    }

    @Test
    void shouldRefuseAReplayOfAnotherUsersSyncId() {
        PolicyWorld w = new PolicyWorld();
        SyncCall call = new SyncCall().scope("userDocuments", null, Map.of(), List.of());
        call.sendAs(w.malloryToken);
        JsonPath error = GraphQL.errorAs(w.aliceToken, SyncCall.DOCUMENT, "input", call.input());
        assertEquals("SYNC_ID_REUSED", error.getString("extensions.code"), "another user's sync id is not replayed");
        assertEquals("input.syncId", error.getString("extensions.field"));
    }

    @Test
    void shouldLetUsersWriteWhatTheirPolicyAllows() {
        PolicyWorld w = new PolicyWorld();
        String now = OffsetDateTime.now().toString();
        String club = Demo.uid();
        String yves = Demo.uid();
        String aliceInClub = Demo.uid();
        String yvesInClub = Demo.uid();
        String bobInClub = Demo.uid();
        // Offline, in one sync: a new group, a new user, Alice, Yves and Bob in it.
        SyncCall.Result result = new SyncCall()
                .scope("users", null, Map.of(), List.of(SyncCall.change(yves, null, "name", "Yves", "createdAt", now, "updatedAt", now)))
                .scope("groups", null, Map.of(), List.of(SyncCall.change(club, null, "name", "Club", "createdAt", now, "updatedAt", now)))
                .scope("userGroups", null, Map.of(), List.of(
                        SyncCall.change(aliceInClub, null, "userUid", w.alice, "groupUid", club, "createdAt", now, "updatedAt", now),
                        SyncCall.change(yvesInClub, null, "userUid", yves, "groupUid", club, "createdAt", now, "updatedAt", now),
                        SyncCall.change(bobInClub, null, "userUid", w.bob, "groupUid", club, "createdAt", now, "updatedAt", now)))
                .sendAs(w.aliceToken);
        assertEquals(List.of(yves), result.applied("users"), () -> result.json().prettify());
        assertEquals(List.of(club), result.applied("groups"));
        assertEquals(Set.of(aliceInClub, yvesInClub, bobInClub), new HashSet<>(result.applied("userGroups")));
        assertEquals(w.alice, GraphQL.ok("query($u: String!) { groups(where: {uid: {eq: $u}}) { createdBy } }", "u", club)
                .getString("data.groups[0].createdBy"), "the server stamps the creator");
        // Online: edit a user she sees, remove Bob from her group, write her own documents.
        GraphQL.okAs(w.aliceToken, "mutation($u: String!) { saveUser(input: {uid: $u, name: \"Bobby\"}) { uid } }", "u", w.bob);
        GraphQL.okAs(w.aliceToken, "mutation($u: String!) { deleteUserGroup(uid: $u) { uid } }", "u", w.bobInOurs);
        String doc = Demo.uid();
        GraphQL.okAs(w.aliceToken, "mutation($u: String!, $me: String!) { saveUserDocument(input: {uid: $u, userUid: $me, title: \"Diary\"}) { uid } }",
                "u", doc, "me", w.alice);
        GraphQL.okAs(w.aliceToken, "mutation($u: String!, $d: String!) { saveUserDocumentEvent(input: {uid: $u, documentUid: $d, kind: \"opened\"}) { uid } }",
                "u", Demo.uid(), "d", doc);
        assertEquals(Set.of(w.alice, w.bob, yves), uids(w, "users", null));
        assertEquals(Set.of(w.aliceDoc, doc), uids(w, "userDocuments", null));
    }

    @Test
    void shouldRevokeRowsOnRemovalFromAGroupLiveAndAtTheNextSync() {
        PolicyWorld w = new PolicyWorld();
        String bobToken = dev.tidemark.support.Tokens.user(java.util.UUID.fromString(w.bob));
        Map<String, Map<String, Object>> held = w.snapshot();
        try (GraphQLWs bob = GraphQLWs.connect(graphql, bobToken)) {
            String groups = bob.subscribeReady("subscription { groupChanged { operation uid } }");
            String users = bob.subscribeReady("subscription { userChanged { operation uid } }");
            String memberships = bob.subscribeReady("subscription { userGroupChanged { operation uid row { deletedAt } } }");

            Demo.delete("UserGroup", w.bobInOurs); // Alice (or an admin) removes Bob from Ours

            JsonObject left = bob.event(groups);
            assertEquals("LEAVE_SCOPE", left.getString("operation"));
            assertEquals(w.ours, left.getString("uid"));
            // Alice is two relations away from Bob's rights: the user subscription is told to sync.
            JsonObject user = bob.event(users);
            assertTrue(Set.of("RESYNC", "LEAVE_SCOPE").contains(user.getString("operation")), user::toString);
            List<JsonObject> membershipEvents = List.of(bob.event(memberships), bob.event(memberships));
            assertTrue(membershipEvents.stream().anyMatch(e -> "DELETE".equals(e.getString("operation"))
                    && w.bobInOurs.equals(e.getString("uid"))), () -> "Bob's own membership tombstone: " + membershipEvents);
        }
        SyncCall.Result result = new SyncCall()
                .scope("users", null, Map.of(w.alice, version(held, w.alice), w.bob, version(held, w.bob)), List.of())
                .scope("groups", null, Map.of(w.ours, version(held, w.ours), w.theirs, version(held, w.theirs)), List.of())
                .scope("userGroups", null, Map.of(w.aliceInOurs, version(held, w.aliceInOurs),
                        w.bobInOurs, version(held, w.bobInOurs), w.bobInTheirs, version(held, w.bobInTheirs)), List.of())
                .sendAs(bobToken);
        assertEquals(List.of(w.alice), result.drops("users"));
        assertEquals(List.of(w.ours), result.drops("groups"));
        assertEquals(List.of(w.aliceInOurs), result.drops("userGroups"));
        assertEquals(w.bobInOurs, result.upserts("userGroups").stream().filter(r -> r.get("deletedAt") != null)
                .map(r -> r.get("uid")).findFirst().orElse(null), "Bob's own membership comes back as its tombstone");
    }

    private static void assertForbidden(PolicyWorld w, String document, String uid) {
        JsonPath response = GraphQL.postAs(w.aliceToken, document, "u", uid);
        assertEquals("FORBIDDEN", response.getString("errors[0].extensions.code"), () -> document + ": " + response.prettify());
        assertNull(response.get("data") instanceof Map<?, ?> data ? data.values().iterator().next() : null);
    }

    /** Uids the table's query returns to Alice for a where; every answer is checked for leaks. */
    private static Set<String> uids(PolicyWorld w, String query, Map<String, Object> where) {
        String type = switch (query) {
            case "users" -> "UserWhere";
            case "groups" -> "GroupWhere";
            case "userGroups" -> "UserGroupWhere";
            case "userDocuments" -> "UserDocumentWhere";
            default -> "UserDocumentEventWhere";
        };
        Set<String> result = new HashSet<>();
        for (boolean deleted : new boolean[] { false, true }) {
            JsonPath response = GraphQL.okAs(w.aliceToken, "query($w: " + type + ", $d: Boolean!) { " + query
                    + "(where: $w, includeDeleted: $d) { uid } }", "w", where, "d", deleted);
            w.assertNoLeak(query + " " + where, response.prettify());
            if (!deleted) {
                result.addAll(response.getList("data." + query + ".uid"));
            }
        }
        return result;
    }

    private static String name(PolicyWorld w, String query, String uid) {
        return GraphQL.ok("query($u: String!) { " + query + "(where: {uid: {eq: $u}}) { name } }", "u", uid)
                .getString("data." + query + "[0].name");
    }

    private static Map<String, Object> eq(String field, String value) {
        return Map.of(field, Map.of("eq", value));
    }


    private static long version(Map<String, Map<String, Object>> snapshot, String uid) {
        return ((Number) snapshot.get(uid).get("version")).longValue();
    }
}
