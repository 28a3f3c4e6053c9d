package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.SyncCall.Result;
import dev.tidemark.sync.retention.TombstonePurger;
import io.quarkus.test.junit.QuarkusTest;

/** Tombstones past the retention horizon are purged, and clients that still hold them get a correct answer. */
@QuarkusTest
class RetentionTest {

    @Inject
    Db db;

    @Inject
    TombstonePurger purger;

    String ann, bob, red, membership;
    Map<String, Long> heldUsers, heldMemberships;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", null);
        bob = Demo.user("Bob", null);
        red = Demo.group("Red");
        membership = Demo.membership(bob, red);
        heldUsers = Map.of(ann, version("app_user", ann), bob, version("app_user", bob));
        heldMemberships = Map.of(membership, version("user_group", membership));
        Demo.delete("User", bob); // tombstones Bob and his membership
        db.update("update app_user set deleted_at = deleted_at - interval '40 days' where uid = ?::uuid", bob);
        db.update("update user_group set deleted_at = deleted_at - interval '40 days' where uid = ?::uuid", membership);
    }

    long version(String table, String uid) {
        return db.count("select version from " + table + " where uid = ?::uuid", uid);
    }

    @Test
    void shouldPurgeOldTombstonesChildrenFirst() {
        Map<String, Integer> purged = purger.purgeOlderThan(OffsetDateTime.now(ZoneOffset.UTC).minusDays(30));
        assertEquals(1, purged.get("app_user"));
        assertEquals(1, purged.get("user_group"));
        assertEquals(0, db.count("select count(*) from app_user where uid = ?::uuid", bob));
        assertEquals(1, db.count("select count(*) from app_user where uid = ?::uuid", ann), "live rows stay");
    }

    @Test
    void shouldKeepATombstoneThatARowStillReferences() {
        String doc = Demo.document(ann, "Plan");
        Demo.event(doc, "created", null);
        Demo.delete("UserDocument", doc);
        // only the document is old: its event's tombstone (made by the cascade) is recent and still references it
        db.update("update user_document set deleted_at = deleted_at - interval '40 days' where uid = ?::uuid", doc);
        purger.purgeOlderThan(OffsetDateTime.now(ZoneOffset.UTC).minusDays(30));
        assertEquals(1, db.count("select count(*) from user_document where uid = ?::uuid", doc),
                "its event's recent tombstone still points at it");
    }

    @Test
    void shouldDropPurgedRowsForAClientThatComesBackMonthsLater() {
        purger.purgeOlderThan(OffsetDateTime.now(ZoneOffset.UTC).minusDays(30));
        Result result = new SyncCall()
                .scope("users", null, heldUsers, List.of())
                .scope("userGroups", null, heldMemberships, List.of())
                .send();
        assertEquals(List.of(bob), result.drops("users"));
        assertEquals(List.of(membership), result.drops("userGroups"));
        assertEquals(List.of(), result.upsertUids("users"));
    }

    @Test
    void shouldNotResurrectAPurgedRowChangedOffline() {
        purger.purgeOlderThan(OffsetDateTime.now(ZoneOffset.UTC).minusDays(30));
        Result result = new SyncCall().scope("users", null, Map.of(),
                List.of(change(bob, heldUsers.get(bob), "name", "Bob edited offline months ago"))).send();
        assertEquals("DELETED_ON_SERVER", result.reason("users", bob));
        assertEquals(List.of(bob), result.drops("users"));
        assertEquals(0, db.count("select count(*) from app_user where uid = ?::uuid", bob));
        assertNull(result.upsert("users", bob));
    }
}
