package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.SyncCall.Result;
import dev.tidemark.sync.cursor.SyncCursor;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Invariants I2–I5 of docs/design.md §4 for the sync mutation. */
@QuarkusTest
class SyncInvariantsTest {

    @Inject
    Db db;

    @Inject
    AgroalDataSource dataSource;

    String ann, bob;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", null);
        bob = Demo.user("Bob", null);
    }

    long version(String uid) {
        return db.count("select version from app_user where uid = ?::uuid", uid);
    }

    /** I3: a change whose version was taken before a newer one, but committed after the client synced, is not missed. */
    @Test
    void shouldNotMissAChangeCommittedOutOfOrder() throws Exception {
        Result first = new SyncCall().scope("users", null, Map.of(), List.of()).send();
        Map<String, Long> held = new LinkedHashMap<>();
        first.upserts("users").forEach(r -> held.put((String) r.get("uid"), ((Number) r.get("version")).longValue()));

        try (Connection slow = dataSource.getConnection()) {
            slow.setAutoCommit(false);
            try (PreparedStatement update = slow.prepareStatement("update app_user set name = 'slow' where uid = ?::uuid")) {
                update.setString(1, ann);
                update.executeUpdate(); // takes its version now, commits last
            }
            GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"fast\"}) { uid } }", "u", bob);
            long slowVersion = ((Number) db.row("select last_value from sync_version_seq").get("last_value")).longValue() - 1;

            Result during = new SyncCall().cutoff(first.cursor()).scope("users", null, held, List.of()).send();
            assertEquals(List.of(bob), during.upsertUids("users"), "the slow transaction is not visible yet");
            held.put(bob, ((Number) during.upsert("users", bob).get("version")).longValue());
            assertTrue(held.get(bob) > slowVersion, "the fast change has the larger version");
            SyncCursor cursor = SyncCursor.decode(during.cursor(), "cursor");
            slow.commit();

            Result after = new SyncCall().cutoff(during.cursor()).scope("users", null, held, List.of()).send();
            assertEquals(List.of(ann), after.upsertUids("users"), "committed late with a smaller version, still delivered");
            assertEquals("slow", after.upsert("users", ann).get("name"));
            assertFalse(SyncCursor.decode(after.cursor(), "cursor").isBefore(cursor), "cursors never go back");
        }
    }

    /** I3: client clocks hours off change nothing but the last-writer-wins decision itself. */
    @Test
    void shouldReachTheSameOutcomeWhateverTheClientClock() {
        List<String> outcomes = new ArrayList<>();
        for (int hours : new int[] { -5, 0, 5 }) {
            db.clear();
            String kept = Demo.user("Kept", null);
            String edited = Demo.user("Edited", null);
            String deleted = Demo.user("Deleted", null);
            Map<String, Long> held = Map.of(kept, version(kept));
            String created = Demo.uid();
            OffsetDateTime clientNow = OffsetDateTime.now(ZoneOffset.UTC).plusHours(hours);
            Result result = new SyncCall().scope("users", null, held, List.of(
                    change(edited, version(edited), "name", "Edited offline", "updatedAt", clientNow.toString()),
                    change(deleted, version(deleted), "name", "Deleted", "deletedAt", clientNow.toString(), "updatedAt", clientNow.toString()),
                    change(created, null, "name", "Created offline", "createdAt", clientNow.toString(), "updatedAt", clientNow.toString())))
                    .send();
            Map<String, Object> summary = new TreeMap<>();
            summary.put("applied", result.applied("users").size());
            summary.put("rejected", result.rejected("users").size());
            summary.put("upserts", result.upserts("users").stream().map(r -> r.get("name") + (r.get("deletedAt") == null ? "" : "†")).sorted().toList());
            summary.put("drops", result.drops("users").size());
            outcomes.add(summary.toString());
            OffsetDateTime stored = OffsetDateTime.parse((String) result.upsert("users", created).get("updatedAt"));
            assertTrue(!stored.isAfter(OffsetDateTime.now(ZoneOffset.UTC)), "never later than the server clock: " + stored);
        }
        assertEquals(outcomes.get(1), outcomes.get(0), "client 5 hours behind");
        assertEquals(outcomes.get(1), outcomes.get(2), "client 5 hours ahead");
    }

    /** I4: replaying a sync whose answer was lost applies nothing again and answers the same. */
    @Test
    void shouldAnswerAReplayWithTheStoredOutcomeAndWriteNothing() {
        String created = Demo.uid();
        long base = version(bob);
        Demo.delete("User", bob); // so the change to Bob is refused
        SyncCall call = new SyncCall("replay-" + created).scope("users", null, Map.of(ann, version(ann)), List.of(
                change(created, null, "name", "New"),
                change(bob, base, "name", "Edited")));
        Result first = call.send();
        var snapshot = db.snapshot();
        Result replay = call.send();
        assertTrue(replay.replayed());
        assertEquals(first.applied("users"), replay.applied("users"));
        assertEquals(first.rejected("users"), replay.rejected("users"));
        assertEquals(first.upserts("users"), replay.upserts("users"));
        assertEquals(snapshot, db.snapshot(), "a replay writes nothing");
        assertEquals(1, db.count("select count(*) from app_user where uid = ?::uuid", created));

        SyncCall other = new SyncCall("replay-" + created).scope("users", null, Map.of(), List.of(change(created, null, "name", "Other")));
        JsonPath reused = other.sendExpectingError();
        assertEquals("SYNC_ID_REUSED", reused.getString("extensions.code"));
        assertEquals("input.syncId", reused.getString("extensions.field"));
    }

    /** I5: a sync that fails halfway leaves nothing behind, not even its replay record. */
    @Test
    void shouldWriteNothingWhenTheSyncFailsHalfway() {
        db.update("alter table app_group add constraint test_no_boom check (name <> 'BOOM')");
        try {
            var snapshot = db.snapshot();
            String syncId = "atomic-" + Demo.uid();
            SyncCall call = new SyncCall(syncId)
                    .scope("users", null, Map.of(), List.of(change(Demo.uid(), null, "name", "Written first"),
                            change(ann, version(ann), "name", "Ann edited")))
                    .scope("groups", null, Map.of(), List.of(change(Demo.uid(), null, "name", "BOOM")));
            JsonPath error = call.sendExpectingError();
            assertNotNull(error.getString("message"));
            assertEquals(snapshot, db.snapshot());
            assertEquals(0, db.count("select count(*) from sync_request where sync_id = ?", syncId));
        } finally {
            db.update("alter table app_group drop constraint test_no_boom");
        }
    }

    /**
     * Two clients syncing overlapping rows at once (one deletes a group, the other edits its
     * memberships) both get an answer: a deadlock between them is retried, never a server error.
     */
    @Test
    void shouldAnswerConcurrentSyncsOnOverlappingRows() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 15; round++) {
                String group = Demo.group("G" + round);
                String m1 = Demo.membership(ann, group);
                String m2 = Demo.membership(bob, group);
                long groupVersion = db.count("select version from app_group where uid = ?::uuid", group);
                long v1 = db.count("select version from user_group where uid = ?::uuid", m1);
                long v2 = db.count("select version from user_group where uid = ?::uuid", m2);
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                var deleteGroup = pool.submit(() -> {
                    start.await();
                    return new SyncCall().scope("groups", null, Map.of(), List.of(change(group, groupVersion, "name", "x",
                            "deletedAt", OffsetDateTime.now(ZoneOffset.UTC).toString()))).send();
                });
                var editMemberships = pool.submit(() -> {
                    start.await();
                    return new SyncCall().scope("userGroups", null, Map.of(), List.of(
                            change(m2, v2, "userUid", bob, "groupUid", group, "updatedAt", OffsetDateTime.now(ZoneOffset.UTC).toString()),
                            change(m1, v1, "userUid", ann, "groupUid", group, "updatedAt", OffsetDateTime.now(ZoneOffset.UTC).toString())))
                            .send();
                });
                deleteGroup.get(30, java.util.concurrent.TimeUnit.SECONDS);
                editMemberships.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, db.count("""
                select count(*) from user_group m join app_group g on g.uid = m.group_uid
                where m.deleted_at is null and g.deleted_at is not null"""));
    }

    /**
     * The lock order that keeps concurrent syncs from deadlocking: a sync changing join rows locks
     * their parents before the rows themselves, like the online save and the cascade (which lock the
     * parent, then its children). While another transaction holds the group, such a sync waits
     * holding no lock on the memberships, so a delete of the group can still cascade to them.
     */
    @Test
    void shouldLockParentsBeforeTheJoinRowsItChanges() throws Exception {
        String group = Demo.group("G");
        String m1 = Demo.membership(ann, group);
        long v1 = db.count("select version from user_group where uid = ?::uuid", m1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            db.query(holder, "select uid from app_group where uid = ?::uuid for update", group);
            var edit = pool.submit(() -> new SyncCall().scope("userGroups", null, Map.of(), List.of(
                    change(m1, v1, "userUid", ann, "groupUid", group, "updatedAt", OffsetDateTime.now(ZoneOffset.UTC).toString())))
                    .send());
            db.awaitLockWaiters(1);
            try (PreparedStatement lockRow = holder.prepareStatement("select uid from user_group where uid = ?::uuid for update nowait")) {
                lockRow.setString(1, m1);
                lockRow.executeQuery().close(); // fails with 55P03 if the waiting sync already holds the membership
            }
            holder.rollback();
            assertEquals(List.of(m1), edit.get(30, java.util.concurrent.TimeUnit.SECONDS).applied("userGroups"));
        } finally {
            pool.shutdownNow();
        }
    }

    /** I2: every change sent is answered: applied, or rejected with a reason — and comes back as an upsert or a drop. */
    @Test
    void shouldAccountForEveryChange() {
        Demo.delete("User", bob);
        String group = Demo.group("G");
        Demo.delete("Group", group);
        List<Map<String, Object>> changes = List.of(
                change(ann, version(ann), "name", "ok"),
                change(bob, version(bob) - 1, "name", "deleted meanwhile"),
                change(Demo.uid(), null, "name", "new"),
                change(Demo.uid(), 12345L, "name", "purged"));
        Result result = new SyncCall().scope("users", null, Map.of(), changes).send();
        for (Map<String, Object> c : changes) {
            String uid = (String) c.get("uid");
            boolean applied = result.applied("users").contains(uid);
            boolean rejected = result.reason("users", uid) != null;
            assertTrue(applied ^ rejected, uid + " must be applied or rejected, exactly once");
            assertTrue(result.upsert("users", uid) != null ^ result.drops("users").contains(uid), uid + " must come back");
        }
        assertEquals("DELETED_ON_SERVER", result.reason("users", (String) changes.get(3).get("uid")));
    }
}
