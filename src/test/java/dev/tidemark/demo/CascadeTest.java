package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static dev.tidemark.support.GraphQL.ok;
import static dev.tidemark.support.GraphQL.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.demo.model.Group;
import dev.tidemark.demo.model.UserGroup;
import dev.tidemark.sync.error.ParentDeletedException;
import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Invariant I6: deleting a parent tombstones its join rows, on every write path; no join row to a tombstone. */
@QuarkusTest
class CascadeTest {

    static final String SAVE_MEMBERSHIP = """
            mutation($uid: String!, $user: String!, $group: String!) {
              saveUserGroup(input: {uid: $uid, userUid: $user, groupUid: $group}) { uid }
            }""";

    @Inject
    Db db;

    @Inject
    EntityManager em;

    String ann, bob, red, blue;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", null);
        bob = Demo.user("Bob", null);
        red = Demo.group("Red");
        blue = Demo.group("Blue");
    }

    @Test
    void shouldTombstoneMembershipsWhenTheirGroupIsDeleted() {
        String annRed = Demo.membership(ann, red);
        String bobRed = Demo.membership(bob, red);
        String bobBlue = Demo.membership(bob, blue);
        long before = maxVersion();
        JsonPath deleted = ok("mutation($g: String!) { deleteGroup(uid: $g) { deletedAt } }", "g", red);
        String deletedAt = deleted.getString("data.deleteGroup.deletedAt");

        for (String membership : List.of(annRed, bobRed)) {
            Map<String, Object> row = db.row("select deleted_at, updated_at, version from user_group where uid = ?::uuid", membership);
            assertEquals(OffsetDateTime.parse(deletedAt).toInstant(), ((java.sql.Timestamp) row.get("deleted_at")).toInstant(),
                    "the join row takes its parent's deletion time");
            assertEquals(row.get("deleted_at"), row.get("updated_at"));
            assertTrue(((Number) row.get("version")).longValue() > before, "the cascade gives the join row a new version");
        }
        assertEquals(0, db.count("select count(*) from user_group where uid = ?::uuid and deleted_at is not null", bobBlue),
                "memberships of other groups stay");
        assertEquals(List.of("Blue"), ok("query($b: String!) { users(where: {uid: {eq: $b}}) { groups { name } } }", "b", bob)
                .getList("data.users[0].groups.name"));
        assertNoOrphans();
    }

    @Test
    void shouldTombstoneMembershipsWhenTheirUserIsDeleted() {
        Demo.membership(ann, red);
        Demo.membership(ann, blue);
        String bobRed = Demo.membership(bob, red);
        Demo.delete("User", ann);
        assertEquals(2, db.count("select count(*) from user_group where user_uid = ?::uuid and deleted_at is not null", ann));
        assertEquals(List.of(bobRed), ok("{ userGroups { uid } }").getList("data.userGroups.uid"));
        assertEquals(List.of(List.of("Bob"), List.of()), ok("{ groups { members { name } } }").getList("data.groups.members.name"),
                "Red keeps Bob, Blue has no member left");
        assertNoOrphans();
    }

    @Test
    void shouldTombstoneTheEventsOfADeletedDocumentAndRefuseNewOnes() {
        String plan = Demo.document(ann, "Plan");
        String created = Demo.event(plan, "created", null);
        String edited = Demo.event(plan, "edited", null);
        String other = Demo.event(Demo.document(ann, "Notes"), "created", null);
        Demo.delete("UserDocument", plan);
        assertEquals(2, db.count("select count(*) from user_document_event where uid in (?::uuid, ?::uuid) and deleted_at is not null",
                created, edited), "a document's history goes with it");
        assertEquals(List.of(other), ok("{ userDocumentEvents { uid } }").getList("data.userDocumentEvents.uid"));
        assertEquals("PARENT_DELETED", error("""
                mutation($doc: String!) { saveUserDocumentEvent(input: {uid: "%s", documentUid: $doc, kind: "late"}) { uid } }"""
                .formatted(Demo.uid()), "doc", plan).getString("extensions.code"));
    }

    @Test
    void shouldNotTouchMembershipsThatWereAlreadyDeleted() {
        String old = Demo.membership(ann, red);
        Demo.delete("UserGroup", old);
        Map<String, Object> before = db.row("select deleted_at, version from user_group where uid = ?::uuid", old);
        Demo.delete("Group", red);
        assertEquals(before, db.row("select deleted_at, version from user_group where uid = ?::uuid", old));
    }

    @Test
    void shouldRefuseAMembershipToADeletedGroup() {
        Demo.delete("Group", red);
        var snapshot = db.snapshot();
        JsonPath error = error(SAVE_MEMBERSHIP, "uid", Demo.uid(), "user", ann, "group", red);
        assertEquals("PARENT_DELETED", error.getString("extensions.code"));
        assertEquals("input.groupUid", error.getString("extensions.field"));
        assertTrue(error.getString("message").contains("deleted"), error.getString("message"));
        assertEquals(snapshot, db.snapshot(), "a refused write writes nothing");
    }

    @Test
    void shouldRefuseAMembershipOfADeletedUser() {
        Demo.delete("User", bob);
        JsonPath error = error(SAVE_MEMBERSHIP, "uid", Demo.uid(), "user", bob, "group", red);
        assertEquals("PARENT_DELETED", error.getString("extensions.code"));
        assertEquals("input.userUid", error.getString("extensions.field"));
    }

    @Test
    void shouldRefuseAMembershipToAMissingGroup() {
        var snapshot = db.snapshot();
        JsonPath error = error(SAVE_MEMBERSHIP, "uid", Demo.uid(), "user", ann, "group", Demo.uid());
        assertEquals("PARENT_NOT_FOUND", error.getString("extensions.code"));
        assertEquals("input.groupUid", error.getString("extensions.field"));
        assertEquals(snapshot, db.snapshot());
    }

    @Test
    void shouldRefuseMovingAMembershipToADeletedGroup() {
        String membership = Demo.membership(ann, red);
        Demo.delete("Group", blue);
        JsonPath error = error(SAVE_MEMBERSHIP, "uid", membership, "user", ann, "group", blue);
        assertEquals("PARENT_DELETED", error.getString("extensions.code"));
        assertEquals(red, db.row("select group_uid::text as g from user_group where uid = ?::uuid", membership).get("g"));
    }

    @Test
    void shouldCascadeOnAnyHibernateWritePath() {
        String membership = Demo.membership(ann, red);
        QuarkusTransaction.requiringNew().run(() -> tombstoneGroupDirectly(UUID.fromString(red)));
        assertEquals(1, db.count("select count(*) from user_group where uid = ?::uuid and deleted_at is not null", membership),
                "the entity listener cascades even when the engine's write service is bypassed");
        assertNoOrphans();
    }

    void tombstoneGroupDirectly(UUID uid) {
        Group group = em.find(Group.class, uid);
        group.deletedAt = OffsetDateTime.now(ZoneOffset.UTC);
    }

    @Test
    void shouldRefuseAJoinRowToATombstoneOnAnyHibernateWritePath() {
        var snapshot = db.snapshot();
        Exception refused = assertThrows(Exception.class,
                () -> QuarkusTransaction.requiringNew().run(() -> insertDeletedGroupWithLiveMembership(UUID.fromString(ann))));
        assertTrue(causes(refused).stream().anyMatch(ParentDeletedException.class::isInstance), refused.toString());
        assertEquals(snapshot, db.snapshot(), "the whole transaction rolled back");
        assertNoOrphans();
    }

    /** Bypasses the write service: a tombstoned group and, after it, a live membership to it. */
    void insertDeletedGroupWithLiveMembership(UUID user) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Group ghost = new Group();
        ghost.uid = UUID.randomUUID();
        ghost.name = "ghost";
        ghost.createdAt = now;
        ghost.updatedAt = now;
        ghost.deletedAt = now;
        em.persist(ghost);
        UserGroup membership = new UserGroup();
        membership.uid = UUID.randomUUID();
        membership.userUid = user;
        membership.groupUid = ghost.uid;
        membership.createdAt = now;
        membership.updatedAt = now;
        em.persist(membership);
    }

    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /**
     * A membership saved while its group is being deleted, many times over with both requests
     * racing: whichever commits first, no live membership is left pointing at the deleted group.
     */
    @Test
    void shouldLeaveNoOrphanWhenADeleteRacesAMembership() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                String group = Demo.group("Race " + round);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> add = pool.submit(() -> {
                    await(start);
                    return post(SAVE_MEMBERSHIP, "uid", Demo.uid(), "user", ann, "group", group);
                });
                Future<?> delete = pool.submit(() -> {
                    await(start);
                    return post("mutation($g: String!) { deleteGroup(uid: $g) { uid } }", "g", group);
                });
                add.get(30, TimeUnit.SECONDS);
                delete.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(40, db.count("select count(*) from app_group where deleted_at is not null"));
        assertNoOrphans();
    }

    /**
     * An existing membership edited while its group is deleted: the two transactions lock the same
     * rows in opposite orders. The edit is applied, or refused because the group (PARENT_DELETED) or
     * the cascade (ROW_DELETED) got there first; never a server error.
     */
    @Test
    void shouldAnswerAnEditRacingTheDeleteOfItsGroup() throws Exception {
        Thread.sleep(1500); // PostgreSQL publishes its statistics at most once a second: count from a settled number
        long deadlocksBefore = deadlocks();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 25; round++) {
                String group = Demo.group("Edit race " + round);
                String membership = Demo.membership(ann, group);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<io.restassured.path.json.JsonPath> edit = pool.submit(() -> {
                    await(start);
                    return post(SAVE_MEMBERSHIP, "uid", membership, "user", ann, "group", group);
                });
                Future<io.restassured.path.json.JsonPath> delete = pool.submit(() -> {
                    await(start);
                    return post("mutation($g: String!) { deleteGroup(uid: $g) { uid } }", "g", group);
                });
                io.restassured.path.json.JsonPath edited = edit.get(30, TimeUnit.SECONDS);
                assertTrue(edited.get("errors") == null
                        || List.of("PARENT_DELETED", "ROW_DELETED").contains(edited.getString("errors[0].extensions.code")),
                        edited.prettify());
                io.restassured.path.json.JsonPath deleted = delete.get(30, TimeUnit.SECONDS);
                assertTrue(deleted.get("errors") == null, deleted.prettify());
            }
        } finally {
            pool.shutdownNow();
        }
        assertNoOrphans();
        // Both lock the group before the membership, so they wait for each other instead of deadlocking
        // (retrying a deadlock hid the wrong order until three retries in a row deadlocked again).
        Thread.sleep(1500);
        assertEquals(deadlocksBefore, deadlocks(), "an edit racing the delete of its group never deadlocks");
    }

    private long deadlocks() {
        return db.count("select deadlocks from pg_stat_database where datname = current_database()");
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long maxVersion() {
        return db.count("select max(version) from user_group");
    }

    private void assertNoOrphans() {
        assertEquals(0, db.count("""
                select count(*) from user_group m
                left join app_user u on u.uid = m.user_uid
                left join app_group g on g.uid = m.group_uid
                where m.deleted_at is null and (u.deleted_at is not null or g.deleted_at is not null)"""),
                "no live membership may point at a tombstoned user or group");
    }
}
