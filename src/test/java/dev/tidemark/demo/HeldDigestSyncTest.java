package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.SyncCall.Result;
import dev.tidemark.sync.reconcile.HeldDigest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A sync whose held rows are sent as bucket checksums ({@code heldDigest}) leaves the client with
 * exactly the rows a sync with the full held list does, and its answer grows with the differences.
 */
@QuarkusTest
class HeldDigestSyncTest {

    static final long SEED = Long.getLong("digest.seed", 20261125L);
    static final Map<String, Object> SCOPE = Map.of("email", Map.of("eq", "in"));

    @Inject
    Db db;

    @BeforeEach
    void clear() {
        db.clear();
    }

    /** uid → version of the live rows of the scope. */
    Map<UUID, Long> serverScope() {
        Map<UUID, Long> rows = new TreeMap<>();
        for (Map<String, Object> row : db.rows("select uid, version from app_user where email = 'in' and deleted_at is null")) {
            rows.put((UUID) row.get("uid"), ((Number) row.get("version")).longValue());
        }
        return rows;
    }

    static String digest(Map<UUID, Long> held, int buckets) {
        HeldDigest digest = HeldDigest.empty(buckets);
        held.forEach(digest::add);
        return digest.encode();
    }

    /** What a client does with a digest answer: replace its rows of each refreshed bucket with the upserts. */
    static Map<UUID, Long> applyDigestAnswer(Map<UUID, Long> held, int buckets, Result result) {
        Map<UUID, Long> after = new TreeMap<>(held);
        Set<Integer> refreshed = new HashSet<>(result.refreshedBuckets("users"));
        after.keySet().removeIf(uid -> refreshed.contains(HeldDigest.uidHash(uid) & (buckets - 1)));
        result.drops("users").forEach(uid -> after.remove(UUID.fromString(uid)));
        applyUpserts(after, result);
        return after;
    }

    static Map<UUID, Long> applyHeldAnswer(Map<UUID, Long> held, Result result) {
        Map<UUID, Long> after = new TreeMap<>(held);
        result.drops("users").forEach(uid -> after.remove(UUID.fromString(uid)));
        applyUpserts(after, result);
        return after;
    }

    static void applyUpserts(Map<UUID, Long> rows, Result result) {
        for (Map<String, Object> row : result.upserts("users")) {
            UUID uid = UUID.fromString((String) row.get("uid"));
            if (row.get("deletedAt") == null) {
                rows.put(uid, ((Number) row.get("version")).longValue());
            } else {
                rows.remove(uid);
            }
        }
    }

    static Map<String, Long> asStrings(Map<UUID, Long> held) {
        Map<String, Long> rows = new HashMap<>();
        held.forEach((uid, version) -> rows.put(uid.toString(), version));
        return rows;
    }

    @Test
    void shouldLeaveTheClientWithTheSameRowsAsAHeldListForRandomDifferences() {
        System.out.println("HeldDigestSyncTest seed " + SEED + " (replay with -Ddigest.seed=" + SEED + ")");
        Random random = new Random(SEED);
        int[] bucketChoices = { 1, 2, 16, 64, 256, 1024 };
        for (int round = 0; round < 6; round++) {
            db.clear();
            List<String> inScope = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                inScope.add(Demo.user("u" + i, "in"));
            }
            List<String> outside = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                outside.add(Demo.user("o" + i, "out"));
            }
            Map<UUID, Long> client = serverScope();
            // The server moves on while the client is away.
            List<String> shuffled = new ArrayList<>(inScope);
            java.util.Collections.shuffle(shuffled, random);
            int at = 0;
            for (int i = 0, n = random.nextInt(8); i < n; i++) {
                db.update("update app_user set name = 'changed' where uid = ?::uuid", shuffled.get(at++));
            }
            for (int i = 0, n = random.nextInt(4); i < n; i++) {
                db.update("update app_user set email = 'out' where uid = ?::uuid", shuffled.get(at++));
            }
            for (int i = 0, n = random.nextInt(4); i < n; i++) {
                Demo.delete("User", shuffled.get(at++));
            }
            for (int i = 0, n = random.nextInt(3); i < n; i++) {
                db.update("delete from app_user where uid = ?::uuid", shuffled.get(at++)); // purged
            }
            for (int i = 0, n = random.nextInt(4); i < n; i++) {
                db.update("update app_user set email = 'in' where uid = ?::uuid", outside.get(i));
            }
            for (int i = 0, n = random.nextInt(5); i < n; i++) {
                Demo.user("new" + i, "in");
            }
            // And the client has its own drift: a stale version, a row the server never had.
            if (random.nextBoolean()) {
                UUID any = client.keySet().iterator().next();
                client.put(any, client.get(any) - 1);
            }
            if (random.nextBoolean()) {
                client.put(UUID.randomUUID(), 1L);
            }
            Map<UUID, Long> server = serverScope();
            int buckets = bucketChoices[round % bucketChoices.length];

            Result viaDigest = new SyncCall().digestScope("users", SCOPE, digest(client, buckets), List.of()).send();
            Result viaHeld = new SyncCall().scope("users", SCOPE, asStrings(client), List.of()).send();
            assertEquals(server, applyDigestAnswer(client, buckets, viaDigest), "digest, round " + round + ", " + buckets + " buckets");
            assertEquals(server, applyHeldAnswer(client, viaHeld), "held list, round " + round);
            assertNull(viaHeld.refreshedBuckets("users"), "no buckets without a digest");

            // A row the client holds that was deleted comes as its tombstone (not silently dropped), as with held.
            for (Map<String, Object> row : db.rows("select uid from app_user where email = 'in' and deleted_at is not null")) {
                String uid = row.get("uid").toString();
                if (client.containsKey(row.get("uid"))) {
                    assertTrue(viaDigest.upsert("users", uid) != null && viaDigest.upsert("users", uid).get("deletedAt") != null,
                            "round " + round + ": tombstone of " + uid + " sent");
                    assertTrue(viaHeld.upsert("users", uid).get("deletedAt") != null);
                }
            }

            // Each differing row makes at most one bucket differ.
            Set<UUID> differing = new HashSet<>();
            client.forEach((uid, version) -> {
                if (!version.equals(server.get(uid))) {
                    differing.add(uid);
                }
            });
            server.forEach((uid, version) -> {
                if (!version.equals(client.get(uid))) {
                    differing.add(uid);
                }
            });
            assertTrue(viaDigest.refreshedBuckets("users").size() <= differing.size(),
                    viaDigest.refreshedBuckets("users") + " for " + differing.size() + " differences");

            // In step now: the next digest sync sends nothing.
            Result again = new SyncCall().digestScope("users", SCOPE, digest(server, buckets), List.of()).send();
            assertEquals(List.of(), again.upserts("users"));
            assertEquals(List.of(), again.refreshedBuckets("users"));
        }
    }

    @Test
    void shouldApplyAnOfflineChangeAndAnswerItOutsideTheBuckets() {
        for (int i = 0; i < 20; i++) {
            Demo.user("u" + i, "in");
        }
        Map<UUID, Long> client = serverScope();
        UUID edited = client.keySet().iterator().next();
        long base = client.remove(edited); // a changed row goes in changes, not in the digest
        Result result = new SyncCall().digestScope("users", SCOPE, digest(client, 32),
                List.of(change(edited.toString(), base, "name", "offline", "email", "in"))).send();
        assertEquals(List.of(edited.toString()), result.applied("users"));
        assertEquals(List.of(), result.refreshedBuckets("users"), "the changed row is left out of both digests");
        assertEquals(1, result.upserts("users").size());
        assertEquals("offline", result.upsert("users", edited.toString()).get("name"));
        assertEquals(serverScope().get(edited), ((Number) result.upsert("users", edited.toString()).get("version")).longValue());
    }

    @Test
    void shouldRefuseAMalformedDigestAndWriteNothing() {
        String ann = Demo.user("Ann", "in");
        List<Map<String, Object>> snapshot = db.snapshot();
        List<Map<String, Object>> changes = List.of(change(Demo.uid(), null, "name", "new", "email", "in"));

        JsonPath notBase64 = new SyncCall().digestScope("users", SCOPE, "not base64!", changes).sendExpectingError();
        assertEquals("BAD_USER_INPUT", notBase64.getString("extensions.code"), notBase64.prettify());
        assertEquals("input.users[0].heldDigest", notBase64.getString("extensions.field"));

        JsonPath threeBuckets = new SyncCall().digestScope("users", SCOPE, "AAAAAAAAAAAAAAAA", changes).sendExpectingError();
        assertEquals("BAD_USER_INPUT", threeBuckets.getString("extensions.code"));
        assertTrue(threeBuckets.getString("message").contains("power of two"), threeBuckets.getString("message"));

        SyncCall both = new SyncCall().scope("users", SCOPE, Map.of(ann, 1L), changes);
        @SuppressWarnings("unchecked")
        Map<String, Object> scope = ((List<Map<String, Object>>) both.input().get("users")).get(0);
        scope.put("heldDigest", "AAAAAA==");
        JsonPath error = both.sendExpectingError();
        assertEquals("BAD_USER_INPUT", error.getString("extensions.code"));
        assertEquals("input.users[0].heldDigest", error.getString("extensions.field"));
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }
}
