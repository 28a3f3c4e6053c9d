package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.SyncCall.Result;
import dev.tidemark.sync.cursor.ScopeStamp;
import dev.tidemark.sync.retention.TombstonePurger;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Reconnect from the change log (docs/protocol.md, "Reconnect from the change log"): a stamped
 * scope is answered from the log with exactly what changed, and each reason the log cannot be
 * trusted or cannot decide gives the full comparison, reported in the result's {@code fallback}.
 * One test per reason; the rows answered are the comparison's in every case.
 */
@QuarkusTest
class ChangeLogFallbackTest {

    static final Map<String, Object> ALL = null;

    @Inject
    Db db;

    @Inject
    TombstonePurger purger;

    String ann;
    String bob;

    @BeforeEach
    void start() {
        db.clear();
        ann = Demo.user("ann", "ann@x.io");
        bob = Demo.user("bob", "bob@x.io");
    }

    Map<String, Long> held() {
        Map<String, Long> held = new java.util.LinkedHashMap<>();
        for (Map<String, Object> row : db.rows("select uid::text as uid, version from app_user where deleted_at is null")) {
            held.put((String) row.get("uid"), ((Number) row.get("version")).longValue());
        }
        return held;
    }

    Result sync(Map<String, Object> where, Map<String, Long> held, String stamp, Boolean verify) {
        return new SyncCall().scope("users", where, held, List.of()).stamp("users", stamp, verify).send();
    }

    /** A first sync of every user: the client holds them all and gets the scope's stamp. */
    String stamped() {
        Result first = sync(ALL, Map.of(), null, null);
        assertEquals("COMPARISON", first.source("users"));
        assertEquals("NO_STAMP", first.fallback("users"));
        return first.stamp("users");
    }

    @Test
    void shouldAnswerAStampedReconnectWithWhatChangedOnly() {
        Map<String, Long> held = held();
        String stamp = stamped();
        String cid = Demo.user("cid", "cid@x.io");
        GraphQLSave.rename(bob, "bobby");
        Demo.delete("User", ann);
        Result result = sync(ALL, held, stamp, null);
        assertEquals("CHANGE_LOG", result.source("users"));
        assertEquals(null, result.fallback("users"));
        assertEquals(java.util.Set.of(ann, bob, cid), java.util.Set.copyOf(result.upsertUids("users")));
        assertTrue(result.upsert("users", ann).get("deletedAt") != null, "a held row deleted since comes as its tombstone");
        Result again = sync(ALL, held(), result.stamp("users"), null);
        assertEquals("CHANGE_LOG", again.source("users"));
        assertEquals(List.of(), again.upsertUids("users"), "nothing changed since the new stamp");
    }

    @Test
    void shouldReplayASyncWithoutChangesFromItsLedgerRecord() {
        String stamp = stamped();
        String syncId = UUID.randomUUID().toString();
        Result first = new SyncCall(syncId).scope("users", ALL, held(), List.of()).stamp("users", stamp, null).send();
        assertTrue(!first.replayed(), "the first sync with the id runs");
        assertEquals("[{\"applied\":[],\"rejected\":[]}]",
                db.row("select outcomes from sync_request where sync_id = ?", syncId).get("outcomes"), "its outcome is stored with its claim");
        Result replay = new SyncCall(syncId).scope("users", ALL, held(), List.of()).stamp("users", stamp, null).send();
        assertTrue(replay.replayed(), "the same id again is a replay");
        assertEquals("CHANGE_LOG", replay.source("users"));
    }

    @Test
    void shouldCompareWholeWithoutAStamp() {
        assertEquals("NO_STAMP", sync(ALL, held(), null, null).fallback("users"));
    }

    @Test
    void shouldCompareWholeWhenAskedToVerify() {
        String stamp = stamped();
        Result result = sync(ALL, Map.of(), stamp, true);
        assertEquals("VERIFY_REQUESTED", result.fallback("users"));
        assertEquals(2, result.upsertUids("users").size(), "the comparison sends what the client lacks");
    }

    @Test
    void shouldNotTrustAStampOfTheOldFormat() {
        String stamp = stamped();
        String bare = ScopeStamp.decode(stamp, "stamp").cursor().encode();
        Result result = sync(ALL, Map.of(), bare, null);
        assertEquals("UNVERSIONED_STAMP", result.fallback("users"));
        assertEquals(2, result.upsertUids("users").size());
    }

    @Test
    void shouldNotTrustAStampOfAnotherDatabase() {
        ScopeStamp stamp = ScopeStamp.decode(stamped(), "stamp");
        String other = new ScopeStamp(UUID.randomUUID(), stamp.scope(), stamp.cursor()).encode();
        Result result = sync(ALL, Map.of(), other, null);
        assertEquals("OTHER_DATABASE", result.fallback("users"));
        assertEquals(2, result.upsertUids("users").size());
    }

    @Test
    void shouldNotTrustAStampFromAheadOfTheDatabase() {
        ScopeStamp stamp = ScopeStamp.decode(stamped(), "stamp");
        String ahead = ScopeStamp.of(stamp.incarnation(), stamp.scope(), stamp.cursor().xmin() + 1_000_000, stamp.cursor().at())
                .encode();
        assertEquals("OTHER_DATABASE", sync(ALL, Map.of(), ahead, null).fallback("users"));
    }

    @Test
    void shouldNotUseAStampForAnotherWhere() {
        String stamp = stamped();
        Result result = sync(Map.of("name", Map.of("eq", "bob")), Map.of(), stamp, null);
        assertEquals("OTHER_SCOPE", result.fallback("users"));
        assertEquals(List.of(bob), result.upsertUids("users"));
    }

    @Test
    void shouldNotUseAStampForAnotherIdentity() {
        String stamp = stamped();
        Result result = new SyncCall().scope("users", ALL, Map.of(), List.of()).stamp("users", stamp, null)
                .sendAs(dev.tidemark.support.Tokens.user(UUID.fromString(ann)));
        assertEquals("OTHER_SCOPE", result.fallback("users"), "another identity's row policy makes another scope");
    }

    @Test
    void shouldCompareWholeWhenTheStampIsOlderThanTheLogRetention() {
        ScopeStamp stamp = ScopeStamp.decode(stamped(), "stamp");
        String old = ScopeStamp.of(stamp.incarnation(), stamp.scope(), stamp.cursor().xmin(),
                stamp.cursor().at().minus(java.time.Duration.ofDays(2))).encode();
        assertEquals("TOO_OLD", sync(ALL, Map.of(), old, null).fallback("users"));
    }

    @Test
    void shouldCompareWholeWhenLogEntriesSinceTheStampWereDeleted() {
        Map<String, Long> held = held();
        String stamp = stamped();
        GraphQLSave.rename(bob, "bobby");
        db.update("delete from sync_change where row_uid = ?::uuid", bob);
        Result result = sync(ALL, held, stamp, null);
        assertEquals("LOG_PRUNED", result.fallback("users"));
        assertEquals(List.of(bob), result.upsertUids("users"), "the comparison still finds the rename");
    }

    @Test
    void shouldCompareWholeWhenTombstonesWerePurgedSinceTheStamp() {
        Demo.delete("User", ann);
        Result first = sync(ALL, Map.of(), null, null);
        Map<String, Long> held = held();
        held.put(ann, ((Number) db.row("select version from app_user where uid = ?::uuid", ann).get("version")).longValue());
        purger.purgeOlderThan(OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
        Result result = sync(ALL, held, first.stamp("users"), null);
        assertEquals("TOMBSTONES_PURGED", result.fallback("users"));
        assertEquals(List.of(ann), result.drops("users"), "the purged tombstone the client holds is dropped");
    }

    @Test
    void shouldCompareWholeWhenARelationTwoAwayChanged() {
        String group = Demo.group("g");
        Demo.membership(ann, group);
        // users who share a group with bob: two relations away (memberships -> group -> memberships)
        Map<String, Object> where = Map.of("memberships", Map.of("some", Map.of("group", Map.of("memberships",
                Map.of("some", Map.of("userUid", Map.of("eq", bob)))))));
        Result first = sync(where, Map.of(), null, null);
        assertEquals(List.of(), first.upsertUids("users"));
        Demo.membership(bob, group);
        Result result = sync(where, Map.of(), first.stamp("users"), null);
        assertEquals("RELATED_CHANGE", result.fallback("users"));
        assertEquals(java.util.Set.of(ann, bob), java.util.Set.copyOf(result.upsertUids("users")));
    }

    @Test
    void shouldAnswerAOneRelationMoveFromTheLog() {
        String group = Demo.group("g");
        Map<String, Object> where = Map.of("memberships", Map.of("some", Map.of("groupUid", Map.of("eq", group))));
        Result first = sync(where, Map.of(), null, null);
        assertEquals(List.of(), first.upsertUids("users"));
        String membership = Demo.membership(ann, group);
        Result joined = sync(where, Map.of(), first.stamp("users"), null);
        assertEquals("CHANGE_LOG", joined.source("users"));
        assertEquals(List.of(ann), joined.upsertUids("users"), "a new membership moves its user in");
        Demo.delete("UserGroup", membership);
        Map<String, Long> held = Map.of(ann, ((Number) db.row("select version from app_user where uid = ?::uuid", ann)
                .get("version")).longValue());
        Result left = sync(where, held, joined.stamp("users"), null);
        assertEquals("CHANGE_LOG", left.source("users"));
        assertEquals(List.of(ann), left.drops("users"), "a removed membership moves its user out");
    }

    @Test
    void shouldCompareWholeWhenTheLogHasTooManyChanges() {
        String stamp = stamped();
        db.update("insert into app_user (uid, created_at, updated_at, name) select gen_random_uuid(), now(), now(), 'u' || i "
                + "from generate_series(1, 10001) i");
        Result result = sync(ALL, held(), stamp, null);
        assertEquals("TOO_MANY_CHANGES", result.fallback("users"));
    }

    @Test
    void shouldRefuseAStampItDidNotIssue() {
        String syncId = UUID.randomUUID().toString();
        var error = new SyncCall(syncId).scope("users", ALL, Map.of(), List.of()).stamp("users", "2:not-a-stamp", null)
                .sendExpectingError();
        assertEquals("BAD_USER_INPUT", error.getString("extensions.code"), error.prettify());
        assertTrue(error.getString("message").contains("not a stamp this server issued"), error.prettify());
        assertEquals(0, db.count("select count(*) from sync_request where sync_id = ?", syncId), "nothing written");
    }

    /** The one write these tests need beyond {@link Demo}. */
    static final class GraphQLSave {
        static void rename(String uid, String name) {
            dev.tidemark.support.GraphQL.ok("mutation($u: String!, $n: String!) { saveUser(input: {uid: $u, name: $n}) { uid } }",
                    "u", uid, "n", name);
        }
    }

}
