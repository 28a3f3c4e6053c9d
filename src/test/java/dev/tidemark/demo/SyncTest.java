package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.SyncCall.Result;
import io.quarkus.test.junit.QuarkusTest;

/** Every case of the reconcile (docs/design.md §3, §4), one test each, through the public sync mutation. */
@QuarkusTest
class SyncTest {

    @Inject
    Db db;

    String ann, bob, red;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", "ann@x.io");
        bob = Demo.user("Bob", null);
        red = Demo.group("Red");
    }

    long version(String table, String uid) {
        return db.count("select version from " + table + " where uid = ?::uuid", uid);
    }

    static String now(long secondsFromNow) {
        return OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(secondsFromNow).toString();
    }

    Map<String, Long> held(String table, String... uids) {
        Map<String, Long> held = new java.util.LinkedHashMap<>();
        for (String uid : uids) {
            held.put(uid, version(table, uid));
        }
        return held;
    }

    @Test
    void shouldReturnTheWholeScopeOnAFirstSync() {
        Result result = new SyncCall().scope("users", null, Map.of(), List.of()).send();
        assertEquals(List.of(ann, bob), result.upsertUids("users"));
        assertEquals(List.of(), result.drops("users"));
        assertNotNull(result.cursor());
        assertFalse(result.replayed());
    }

    @Test
    void shouldApplyAnOfflineChangeTheServerDidNotTouch() {
        long base = version("app_user", ann);
        Result result = new SyncCall().scope("users", null, held("app_user", bob),
                List.of(change(ann, base, "name", "Annie", "email", "annie@x.io", "updatedAt", now(-60)))).send();
        assertEquals(List.of(ann), result.applied("users"));
        Map<String, Object> row = result.upsert("users", ann);
        assertEquals("Annie", row.get("name"));
        assertEquals(version("app_user", ann), ((Number) row.get("version")).longValue());
        assertTrue(version("app_user", ann) > base);
        assertEquals("Annie", db.row("select name from app_user where uid = ?::uuid", ann).get("name"));
        assertNull(result.upsert("users", bob), "an unchanged row the client holds at the server's version is not sent");
    }

    @Test
    void shouldSendRowsChangedOnTheServerSinceTheClientsVersion() {
        Map<String, Long> held = held("app_user", ann, bob);
        GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Bobby\"}) { uid } }", "u", bob);
        Result result = new SyncCall().scope("users", null, held, List.of()).send();
        assertEquals(List.of(bob), result.upsertUids("users"));
        assertEquals("Bobby", result.upsert("users", bob).get("name"));
    }

    @Test
    void shouldLetTheLaterWriterWinAConflictAndReportTheLoser() {
        long base = version("app_user", ann);
        GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Server\"}) { uid } }", "u", ann);
        Result lost = new SyncCall().scope("users", null, Map.of(),
                List.of(change(ann, base, "name", "Offline edit", "updatedAt", now(-3600)))).send();
        assertEquals("CONFLICT_LOST", lost.reason("users", ann));
        assertEquals("Server", lost.upsert("users", ann).get("name"), "the winner is sent back to the loser");
        assertEquals("Server", db.row("select name from app_user where uid = ?::uuid", ann).get("name"));

        long base2 = version("app_user", bob);
        GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Server\", updatedAt: \"2020-01-01T00:00:00Z\"}) { uid } }", "u", bob);
        Result won = new SyncCall().scope("users", null, Map.of(),
                List.of(change(bob, base2, "name", "Newer offline edit", "updatedAt", now(0)))).send();
        assertEquals(List.of(bob), won.applied("users"));
        assertEquals("Newer offline edit", db.row("select name from app_user where uid = ?::uuid", bob).get("name"));
    }

    @Test
    void shouldClampAClientClockInTheFutureBeforeComparing() {
        long base = version("app_user", ann);
        GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Server\"}) { uid } }", "u", ann);
        Result result = new SyncCall().scope("users", null, Map.of(),
                List.of(change(ann, base, "name", "From the future", "updatedAt", now(5 * 3600)))).send();
        assertEquals(List.of(ann), result.applied("users"), "clamped to now, which is after the server's write");
        OffsetDateTime stored = OffsetDateTime.parse((String) result.upsert("users", ann).get("updatedAt"));
        assertTrue(stored.isBefore(OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1)), "stored " + stored);
    }

    @Test
    void shouldKeepTheServerRowOnATie() {
        long base = version("app_user", ann);
        String updatedAt = GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Server\"}) { updatedAt } }",
                "u", ann).getString("data.saveUser.updatedAt");
        Result result = new SyncCall().scope("users", null, Map.of(),
                List.of(change(ann, base, "name", "Same instant", "updatedAt", updatedAt))).send();
        assertEquals("CONFLICT_LOST", result.reason("users", ann));
    }

    @Test
    void shouldLetAServerDeleteWinOverAnOfflineUpdate() {
        long base = version("app_user", bob);
        Demo.delete("User", bob);
        Result result = new SyncCall().scope("users", null, Map.of(),
                List.of(change(bob, base, "name", "Edited offline", "updatedAt", now(-1)))).send();
        assertEquals("ROW_DELETED", result.reason("users", bob));
        assertNotNull(result.upsert("users", bob).get("deletedAt"), "the tombstone is sent to the client that holds the row");
        assertEquals("Bob", db.row("select name from app_user where uid = ?::uuid", bob).get("name"));
    }

    @Test
    void shouldLetAnOfflineDeleteWinOverAServerUpdate() {
        long base = version("app_user", bob);
        GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Renamed online\"}) { uid } }", "u", bob);
        Result result = new SyncCall().scope("users", null, Map.of(),
                List.of(change(bob, base, "name", "Bob", "deletedAt", now(-7200), "updatedAt", now(-7200)))).send();
        assertEquals(List.of(bob), result.applied("users"));
        assertNotNull(db.row("select deleted_at from app_user where uid = ?::uuid", bob).get("deleted_at"));
    }

    @Test
    void shouldInsertARowCreatedOfflineWhenItBelongsToTheScope() {
        String uid = Demo.uid();
        Map<String, Object> where = Map.of("name", Map.of("startsWith", "A"));
        Result result = new SyncCall().scope("users", where, held("app_user", ann),
                List.of(change(uid, null, "name", "Alice", "createdAt", now(-600), "updatedAt", now(-600)))).send();
        assertEquals(List.of(uid), result.applied("users"));
        assertEquals("Alice", result.upsert("users", uid).get("name"));
        assertEquals(1, db.count("select count(*) from app_user where uid = ?::uuid", uid));

        String outside = Demo.uid();
        Result refused = new SyncCall().scope("users", where, Map.of(), List.of(change(outside, null, "name", "Zed"))).send();
        assertEquals("OUT_OF_SCOPE", refused.reason("users", outside));
        assertEquals(List.of(outside), refused.drops("users"));
        assertEquals(0, db.count("select count(*) from app_user where uid = ?::uuid", outside));
    }

    @Test
    void shouldJudgeANewRowInScopeExactlyAsTheScopeQueryWould() {
        String nullEmail = Demo.uid();
        Map<String, Object> notX = Map.of("not", Map.of("email", Map.of("eq", "x@x.io")));
        Result result = new SyncCall().scope("users", notX, Map.of(), List.of(change(nullEmail, null, "name", "No email"))).send();
        assertEquals("OUT_OF_SCOPE", result.reason("users", nullEmail),
                "SQL: not (null = 'x') is unknown, so the scope's query would never return this row");
        String withEmail = Demo.uid();
        Result accepted = new SyncCall().scope("users", notX, Map.of(),
                List.of(change(withEmail, null, "name", "Other email", "email", "y@x.io"))).send();
        assertEquals(List.of(withEmail), accepted.applied("users"));
    }

    @Test
    void shouldRefuseToTakeOverTheUidOfARowOutsideTheScope() {
        Map<String, Object> onlyAnn = Map.of("uid", Map.of("eq", ann));
        Result result = new SyncCall().scope("users", Map.of("name", Map.of("eq", "Mallory")), Map.of(),
                List.of(change(bob, null, "name", "Mallory"))).send();
        assertEquals("UID_TAKEN", result.reason("users", bob));
        assertEquals(List.of(bob), result.drops("users"));
        assertEquals("Bob", db.row("select name from app_user where uid = ?::uuid", bob).get("name"));
        Result update = new SyncCall().scope("users", onlyAnn, Map.of(),
                List.of(change(bob, version("app_user", bob), "name", "Mallory"))).send();
        assertEquals("OUT_OF_SCOPE", update.reason("users", bob));
        assertEquals("Bob", db.row("select name from app_user where uid = ?::uuid", bob).get("name"));
    }

    @Test
    void shouldDropRowsNoLongerInScopeOrGone() {
        Map<String, Object> where = Map.of("email", Map.of("isNull", false));
        Map<String, Long> held = held("app_user", ann);
        GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Ann\"}) { uid } }", "u", ann); // email now null
        String ghost = Demo.uid();
        held.put(ghost, 3L);
        Result result = new SyncCall().scope("users", where, held, List.of()).send();
        assertEquals(List.of(ann, ghost), result.drops("users"));
        assertEquals(List.of(), result.upsertUids("users"));
    }

    @Test
    void shouldSendTombstonesOnlyToClientsThatHoldTheRow() {
        Map<String, Long> held = held("app_user", ann, bob);
        Demo.delete("User", bob);
        Result holder = new SyncCall().scope("users", null, held, List.of()).send();
        assertEquals(List.of(bob), holder.upsertUids("users"));
        assertNotNull(holder.upsert("users", bob).get("deletedAt"));
        Result newcomer = new SyncCall().scope("users", null, Map.of(), List.of()).send();
        assertEquals(List.of(ann), newcomer.upsertUids("users"), "a client that never had Bob is not sent his tombstone");
    }

    @Test
    void shouldCascadeAnOfflineGroupDeleteToMembershipsTheClientDidNotTombstone() {
        String annRed = Demo.membership(ann, red);
        String bobRed = Demo.membership(bob, red);
        // The buggy client of the seed: it tombstones the group but not its user_group rows.
        Result result = new SyncCall()
                .scope("groups", null, Map.of(), List.of(change(red, version("app_group", red), "name", "Red",
                        "deletedAt", now(-30), "updatedAt", now(-30))))
                .scope("userGroups", null, held("user_group", annRed, bobRed), List.of())
                .send();
        assertEquals(List.of(red), result.applied("groups"));
        assertEquals(List.of(annRed, bobRed), result.upsertUids("userGroups").stream().sorted(
                java.util.Comparator.comparing(u -> List.of(annRed, bobRed).indexOf(u))).toList());
        result.upserts("userGroups").forEach(m -> assertNotNull(m.get("deletedAt"), "tell the client to tombstone " + m));
        assertEquals(0, db.count("select count(*) from user_group where deleted_at is null"));
    }

    @Test
    void shouldRejectAJoinRowCreatedOfflineAgainstAParentDeletedMeanwhile() {
        Demo.delete("Group", red);
        String membership = Demo.uid();
        Result result = new SyncCall().scope("userGroups", null, Map.of(),
                List.of(change(membership, null, "userUid", ann, "groupUid", red))).send();
        assertEquals("PARENT_DELETED", result.reason("userGroups", membership));
        assertEquals("input.userGroups[0].changes[0].groupUid", result.rejected("userGroups").get(0).get("field"));
        assertEquals(List.of(membership), result.drops("userGroups"));
        assertEquals(0, db.count("select count(*) from user_group"));
    }

    @Test
    void shouldApplyParentsBeforeChildrenWhateverTheOrderSent() {
        String user = Demo.uid();
        String group = Demo.uid();
        String membership = Demo.uid();
        String document = Demo.uid();
        String event = Demo.uid();
        Result result = new SyncCall()
                .scope("userDocumentEvents", null, Map.of(), List.of(change(event, null, "documentUid", document, "kind", "created")))
                .scope("userGroups", null, Map.of(), List.of(change(membership, null, "userUid", user, "groupUid", group)))
                .scope("userDocuments", null, Map.of(), List.of(change(document, null, "userUid", user, "title", "Plan")))
                .scope("groups", null, Map.of(), List.of(change(group, null, "name", "New")))
                .scope("users", null, Map.of(), List.of(change(user, null, "name", "New user")))
                .send();
        for (String table : List.of("users", "groups", "userGroups", "userDocuments", "userDocumentEvents")) {
            assertEquals(List.of(), result.rejected(table), table);
        }
        assertEquals(List.of(membership), result.applied("userGroups"));
        assertEquals(List.of(event), result.applied("userDocumentEvents"));
    }

    @Test
    void shouldTombstoneAJoinRowCreatedInTheSameSyncAsItsParentsDeletion() {
        String membership = Demo.uid();
        Result result = new SyncCall()
                .scope("groups", null, Map.of(), List.of(change(red, version("app_group", red), "name", "Red", "deletedAt", now(-1))))
                .scope("userGroups", null, Map.of(), List.of(change(membership, null, "userUid", ann, "groupUid", red)))
                .send();
        assertEquals(List.of(membership), result.applied("userGroups"), "created first, while the group was live");
        assertNotNull(result.upsert("userGroups", membership).get("deletedAt"), "then tombstoned by the cascade");
        assertEquals(0, db.count("select count(*) from user_group where deleted_at is null"));
    }

    @Test
    void shouldAnswerEveryScopeOfEveryTableInOneCall() {
        String doc = Demo.document(ann, "Plan");
        String event = Demo.event(doc, "created", null);
        Result result = new SyncCall()
                .scope("users", Map.of("name", Map.of("eq", "Ann")), Map.of(), List.of())
                .scope("users", Map.of("name", Map.of("eq", "Bob")), Map.of(), List.of())
                .scope("userDocumentEvents", Map.of("document", Map.of("userUid", Map.of("eq", ann))), Map.of(), List.of())
                .send();
        assertEquals(List.of(ann), result.json().getList("data.sync.users[0].upserts.uid"));
        assertEquals(List.of(bob), result.json().getList("data.sync.users[1].upserts.uid"));
        assertEquals("users1", result.json().getString("data.sync.users[1].id"));
        assertEquals(List.of(event), result.upsertUids("userDocumentEvents"));
    }
}
