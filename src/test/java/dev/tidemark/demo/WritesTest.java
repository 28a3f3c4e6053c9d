package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Online writes: upsert by client uid, server versions, clamped client times, tombstones. */
@QuarkusTest
class WritesTest {

    static final String SAVE_USER = """
            mutation($uid: String!, $name: String!, $email: String, $createdAt: DateTime, $updatedAt: DateTime) {
              saveUser(input: {uid: $uid, name: $name, email: $email, createdAt: $createdAt, updatedAt: $updatedAt}) {
                uid name email createdAt updatedAt deletedAt version
              }
            }""";

    @Inject
    Db db;

    @BeforeEach
    void clear() {
        db.clear();
    }

    @Test
    void shouldInsertWithTheClientUidThenUpdateIt() {
        String uid = Demo.uid();
        JsonPath created = ok(SAVE_USER, "uid", uid, "name", "Ann", "email", "ann@x.io");
        assertEquals(uid, created.getString("data.saveUser.uid"));
        long v1 = created.getLong("data.saveUser.version");
        JsonPath updated = ok(SAVE_USER, "uid", uid, "name", "Anne", "email", null);
        assertEquals("Anne", updated.getString("data.saveUser.name"));
        assertNull(updated.get("data.saveUser.email"));
        assertTrue(updated.getLong("data.saveUser.version") > v1, "every write takes a new, larger version");
        assertEquals(created.getString("data.saveUser.createdAt"), updated.getString("data.saveUser.createdAt"),
                "createdAt never changes after the insert");
        Map<String, Object> row = db.row("select name, email, version from app_user where uid = ?::uuid", uid);
        assertEquals("Anne", row.get("name"));
        assertNull(row.get("email"));
        assertEquals(updated.getLong("data.saveUser.version"), ((Number) row.get("version")).longValue());
    }

    @Test
    void shouldTakeVersionsFromOneServerCounterAcrossTables() {
        String user = Demo.user("Ann", null);
        String group = Demo.group("Red");
        long userVersion = db.count("select version from app_user where uid = ?::uuid", user);
        long groupVersion = db.count("select version from app_group where uid = ?::uuid", group);
        assertTrue(groupVersion > userVersion);
        db.update("update app_user set name = 'raw SQL' where uid = ?::uuid", user);
        assertTrue(db.count("select version from app_user where uid = ?::uuid", user) > groupVersion,
                "the version trigger covers writes that bypass Hibernate");
    }

    @Test
    void shouldKeepClientTimesButClampThemToServerTime() {
        String uid = Demo.uid();
        OffsetDateTime past = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2));
        JsonPath created = ok(SAVE_USER, "uid", uid, "name", "Ann", "createdAt", past.toString(), "updatedAt", past.toString());
        assertEquals(past.toInstant(), OffsetDateTime.parse(created.getString("data.saveUser.createdAt")).toInstant());
        OffsetDateTime future = OffsetDateTime.now(ZoneOffset.UTC).plusHours(5);
        JsonPath clamped = ok(SAVE_USER, "uid", uid, "name", "Ann", "updatedAt", future.toString());
        OffsetDateTime updatedAt = OffsetDateTime.parse(clamped.getString("data.saveUser.updatedAt"));
        assertTrue(updatedAt.isBefore(future.minusHours(4)), "a client clock 5 hours ahead is clamped to server time: " + updatedAt);
    }

    @Test
    void shouldTombstoneOnDeleteAndKeepTheRow() {
        String uid = Demo.user("Ann", null);
        long before = db.count("select version from app_user where uid = ?::uuid", uid);
        JsonPath deleted = ok("mutation($uid: String!) { deleteUser(uid: $uid) { deletedAt updatedAt version } }", "uid", uid);
        assertNotNull(deleted.get("data.deleteUser.deletedAt"));
        assertEquals(deleted.getString("data.deleteUser.deletedAt"), deleted.getString("data.deleteUser.updatedAt"));
        assertTrue(deleted.getLong("data.deleteUser.version") > before);
        assertEquals(1, db.count("select count(*) from app_user where uid = ?::uuid and deleted_at is not null", uid));
        JsonPath again = ok("mutation($uid: String!) { deleteUser(uid: $uid) { deletedAt version } }", "uid", uid);
        assertEquals(deleted.getString("data.deleteUser.deletedAt"), again.getString("data.deleteUser.deletedAt"),
                "deleting a tombstone again changes nothing");
        assertEquals(deleted.getLong("data.deleteUser.version"), again.getLong("data.deleteUser.version"));
    }

    @Test
    void shouldRefuseToChangeATombstone() {
        String uid = Demo.user("Ann", null);
        Demo.delete("User", uid);
        var snapshot = db.snapshot();
        JsonPath error = error(SAVE_USER, "uid", uid, "name", "Zombie");
        assertEquals("ROW_DELETED", error.getString("extensions.code"));
        assertEquals("input.uid", error.getString("extensions.field"));
        assertEquals(snapshot, db.snapshot());
    }

    @Test
    void shouldReportDeletingAMissingRow() {
        JsonPath error = error("mutation($uid: String!) { deleteGroup(uid: $uid) { uid } }", "uid", Demo.uid());
        assertEquals("NOT_FOUND", error.getString("extensions.code"));
        assertEquals("uid", error.getString("extensions.field"));
    }

    @Test
    void shouldSaveEveryTableAndReadItBack() {
        String user = Demo.user("Ann", "ann@x.io");
        String group = Demo.group("Red");
        String membership = Demo.membership(user, group);
        String document = Demo.document(user, "Plan");
        String event = Demo.event(document, "created", "{\"a\":1}");
        JsonPath read = ok("""
                query($m: String!, $e: String!) {
                  userGroups(where: {uid: {eq: $m}}) { userUid groupUid }
                  userDocumentEvents(where: {uid: {eq: $e}}) { documentUid kind payload document { userUid title } }
                }""", "m", membership, "e", event);
        assertEquals(user, read.getString("data.userGroups[0].userUid"));
        assertEquals(group, read.getString("data.userGroups[0].groupUid"));
        assertEquals(document, read.getString("data.userDocumentEvents[0].documentUid"));
        assertEquals("{\"a\":1}", read.getString("data.userDocumentEvents[0].payload"));
        assertEquals(user, read.getString("data.userDocumentEvents[0].document.userUid"));
    }

    /** Two clients saving the same new uid at once: one inserts, the other then updates; neither gets a server error. */
    @Test
    void shouldAnswerTwoConcurrentInsertsOfTheSameUid() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String uid = Demo.uid();
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                List<java.util.concurrent.Future<JsonPath>> saves = new java.util.ArrayList<>();
                for (String name : List.of("first", "second")) {
                    saves.add(pool.submit(() -> {
                        start.await(10, java.util.concurrent.TimeUnit.SECONDS);
                        return GraphQL.post(SAVE_USER, "uid", uid, "name", name);
                    }));
                }
                for (var save : saves) {
                    JsonPath response = save.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    assertNull(response.get("errors"), response.prettify());
                }
                assertEquals(1, db.count("select count(*) from app_user where uid = ?::uuid", uid));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldLetADocumentChangeOwner() {
        String ann = Demo.user("Ann", null);
        String bob = Demo.user("Bob", null);
        String document = Demo.document(ann, "Plan");
        ok("""
                mutation($uid: String!, $owner: String!) {
                  saveUserDocument(input: {uid: $uid, userUid: $owner, title: "Plan"}) { userUid }
                }""", "uid", document, "owner", bob);
        assertEquals(bob, ok("query($u: String!) { userDocuments(where: {userUid: {eq: $u}}) { userUid } }", "u", bob)
                .getString("data.userDocuments[0].userUid"));
    }
}
