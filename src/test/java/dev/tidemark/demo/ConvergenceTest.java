package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.SyncCall;
import dev.tidemark.sync.reconcile.HeldDigest;
import dev.tidemark.support.SyncCall.Result;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Randomised convergence (I1, I2, I6): simulated clients with skewed clocks create, rename and
 * delete users, groups and memberships offline, some cascading their deletes locally and some
 * not (the seed's buggy client), while the server also takes online writes. After everyone
 * reconnects and syncs, every client holds exactly the server's rows, every change was applied or
 * reported, and no live membership points at a tombstone, on the server or in any client.
 *
 * <p>Runs in both reconnect modes: {@code COMPARISON} (no stamps: every scope compared whole) and
 * {@code CHANGE_LOG} (each scope sends the stamp of its last result, so reconnects are answered from
 * the change log when it can). In the second mode every sync is sent twice on the same state, the
 * second time as a replay with {@code verify: true}, and the replicas the two answers leave are
 * compared (the property of docs/design.md, "Reconnect from the change log"). {@code
 * -Dconvergence.modes=CHANGE_LOG} runs one mode.
 *
 * <p>Seeds are fixed and printed. CI runs a short run; a long one:
 * {@code ./mvnw test -Dtest=ConvergenceTest -Dconvergence.seeds=100 -Dconvergence.ops=2000}.
 */
@QuarkusTest
class ConvergenceTest {

    static final List<String> TABLES = List.of("users", "groups", "userGroups");
    static final Map<String, String> SQL_TABLE = Map.of("users", "app_user", "groups", "app_group", "userGroups", "user_group");
    static final Map<String, List<String>> COLUMNS = Map.of("users", List.of("name", "email"), "groups", List.of("name"),
            "userGroups", List.of("userUid", "groupUid"));

    @Inject
    Db db;

    @Test
    void shouldConvergeForEverySeed() {
        int seeds = Integer.getInteger("convergence.seeds", 4);
        int ops = Integer.getInteger("convergence.ops", 150);
        long firstSeed = Long.getLong("convergence.seed", 20261124L);
        for (String mode : System.getProperty("convergence.modes", "COMPARISON,CHANGE_LOG").split(",")) {
            fromLog = mode.equals("CHANGE_LOG");
            fromLogAnswers = 0;
            for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
                System.out.printf("ConvergenceTest mode=%s seed=%d ops=%d (replay: -Dconvergence.modes=%s -Dconvergence.seed=%d "
                        + "-Dconvergence.seeds=1)%n", mode, seed, ops, mode, seed);
                run(seed, ops);
            }
            System.out.printf("ConvergenceTest mode=%s: %d scopes answered from the change log%n", mode, fromLogAnswers);
            assertTrue(!fromLog || fromLogAnswers > 0, "the change-log mode answered scopes from the log");
        }
    }

    /** Whether clients send their scopes' stamps (reconnects answered from the change log). */
    static boolean fromLog;
    static int fromLogAnswers;

    void run(long seed, int ops) {
        db.clear();
        Random random = new Random(seed);
        // Clients two and three send what they hold as a digest (bucket checksums), client one as a held list.
        List<Client> clients = List.of(new Client(random, -5, true, false), new Client(random, 0, false, true),
                new Client(random, 5, true, true));
        clients.forEach(Client::sync);
        for (int op = 0; op < ops; op++) {
            Client client = clients.get(random.nextInt(clients.size()));
            int dice = random.nextInt(100);
            if (dice < 15) {
                client.online = !client.online;
                if (client.online) {
                    client.sync();
                }
            } else if (dice < 22) {
                serverWrite(random);
            } else {
                client.randomEdit();
                if (client.online && random.nextInt(3) == 0) {
                    client.sync();
                }
            }
        }
        clients.forEach(c -> c.online = true); // everyone reconnects
        for (int round = 0; round < 2; round++) {
            clients.forEach(Client::sync);
        }
        for (Client client : clients) {
            for (String table : TABLES) {
                assertEquals(serverRows(table), client.liveRows(table), "seed " + seed + ": client " + client.id + " " + table);
                Map<String, String> tombstones = client.tombstones(table);
                for (Map.Entry<String, String> tombstone : tombstones.entrySet()) {
                    assertEquals(tombstone.getValue(), String.valueOf(db.row("select version from " + SQL_TABLE.get(table)
                            + " where uid = ?::uuid and deleted_at is not null", tombstone.getKey()).get("version")),
                            "seed " + seed + ": a tombstone a client holds is the server's, at the same version");
                }
            }
            client.assertNoLocalOrphans(seed);
        }
        assertEquals(0, db.count("""
                select count(*) from user_group m join app_user u on u.uid = m.user_uid join app_group g on g.uid = m.group_uid
                where m.deleted_at is null and (u.deleted_at is not null or g.deleted_at is not null)"""), "seed " + seed + ": orphans");
    }

    Map<String, String> serverRows(String table) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.rows("select uid::text as uid, version from " + SQL_TABLE.get(table) + " where deleted_at is null")) {
            rows.put((String) row.get("uid"), String.valueOf(row.get("version")));
        }
        return rows;
    }

    void serverWrite(Random random) {
        List<Map<String, Object>> users = db.rows("select uid::text as uid from app_user where deleted_at is null order by uid");
        if (users.isEmpty()) {
            return;
        }
        String uid = (String) users.get(random.nextInt(users.size())).get("uid");
        if (random.nextInt(4) == 0) {
            GraphQL.ok("mutation($u: String!) { deleteUser(uid: $u) { uid } }", "u", uid);
        } else {
            GraphQL.ok("mutation($u: String!, $n: String!) { saveUser(input: {uid: $u, name: $n}) { uid } }", "u", uid,
                    "n", "server-" + random.nextInt(1000));
        }
    }

    /** A client cache: rows per table by uid, each with the server's version and, if edited offline, its base. */
    static final class Client {
        static int count;
        final int id = ++count;
        final Random random;
        final int skewHours;
        final boolean cascadesLocally;
        final boolean digest;
        boolean online = true;
        final Map<String, Map<String, Map<String, Object>>> cache = new HashMap<>();
        final Map<String, Map<String, Long>> bases = new HashMap<>();
        final Map<String, String> stamps = new HashMap<>();

        Client(Random random, int skewHours, boolean cascadesLocally, boolean digest) {
            this.random = random;
            this.digest = digest;
            this.skewHours = skewHours;
            this.cascadesLocally = cascadesLocally;
            TABLES.forEach(t -> {
                cache.put(t, new LinkedHashMap<>());
                bases.put(t, new LinkedHashMap<>());
            });
        }

        String clock() {
            return OffsetDateTime.now(ZoneOffset.UTC).plusHours(skewHours).toString();
        }

        List<String> live(String table) {
            return cache.get(table).entrySet().stream().filter(e -> e.getValue().get("deletedAt") == null).map(Map.Entry::getKey).toList();
        }

        void randomEdit() {
            int dice = random.nextInt(100);
            List<String> users = live("users");
            List<String> groups = live("groups");
            if (dice < 20 || users.isEmpty()) {
                create("users", "name", "user-" + random.nextInt(1000), "email", random.nextBoolean() ? null : "u@x.io");
            } else if (dice < 35 || groups.isEmpty()) {
                create("groups", "name", "group-" + random.nextInt(1000));
            } else if (dice < 60) {
                create("userGroups", "userUid", pick(users), "groupUid", pick(groups));
            } else if (dice < 75) {
                edit("users", pick(users), "name", "renamed-" + random.nextInt(1000));
            } else if (dice < 82) {
                delete("users", pick(users));
            } else if (dice < 89) {
                delete("groups", pick(groups));
            } else {
                List<String> memberships = live("userGroups");
                if (!memberships.isEmpty()) {
                    delete("userGroups", pick(memberships));
                }
            }
        }

        String pick(List<String> uids) {
            return uids.get(random.nextInt(uids.size()));
        }

        void create(String table, Object... values) {
            String uid = UUID.randomUUID().toString();
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i += 2) {
                row.put((String) values[i], values[i + 1]);
            }
            row.put("createdAt", clock());
            row.put("updatedAt", clock());
            cache.get(table).put(uid, row);
            bases.get(table).put(uid, null);
        }

        void edit(String table, String uid, String column, Object value) {
            Map<String, Object> row = cache.get(table).get(uid);
            markChanged(table, uid, row);
            row.put(column, value);
            row.put("updatedAt", clock());
        }

        void delete(String table, String uid) {
            Map<String, Object> row = cache.get(table).get(uid);
            markChanged(table, uid, row);
            row.put("deletedAt", clock());
            row.put("updatedAt", clock());
            if (cascadesLocally && !table.equals("userGroups")) {
                String fk = table.equals("users") ? "userUid" : "groupUid";
                for (String m : live("userGroups")) {
                    if (uid.equals(cache.get("userGroups").get(m).get(fk))) {
                        delete("userGroups", m);
                    }
                }
            }
        }

        void markChanged(String table, String uid, Map<String, Object> row) {
            if (!bases.get(table).containsKey(uid)) {
                bases.get(table).put(uid, ((Number) row.get("version")).longValue());
            }
        }

        void sync() {
            if (!online) {
                return;
            }
            String syncId = UUID.randomUUID().toString();
            Map<String, HeldDigest> buckets = new HashMap<>();
            Map<String, List<String>> sent = new HashMap<>();
            Result result = call(syncId, false, buckets, sent).send();
            if (fromLog) {
                // The same sync again, on the same state: a replay (nothing applied twice, I4) compared whole.
                Result verified = call(syncId, true, buckets, new HashMap<>()).send();
                for (String table : TABLES) {
                    assertEquals("COMPARISON", verified.source(table));
                    assertEquals(stamps.get(table) == null ? "NO_STAMP" : "VERIFY_REQUESTED", verified.fallback(table));
                    if ("CHANGE_LOG".equals(result.source(table))) {
                        fromLogAnswers++;
                    }
                }
                Map<String, Map<String, Map<String, Object>>> viaLog = copy();
                Map<String, Map<String, Map<String, Object>>> viaComparison = copy();
                apply(result, viaLog, buckets);
                apply(verified, viaComparison, buckets);
                for (String table : TABLES) {
                    assertEquals(finalState(viaComparison.get(table)), finalState(viaLog.get(table)),
                            "client " + id + " " + table + ": the change log's answer (" + result.fallback(table)
                                    + ") leaves the replica the comparison leaves");
                }
            }
            check(result, sent);
            apply(result, cache, buckets);
            TABLES.forEach(table -> {
                bases.get(table).clear();
                stamps.put(table, result.stamp(table));
            });
        }

        /** The client's rows as it ends with them: every live row with its version; a digest client's tombstones are
         * the server's (checked at the end) whether or not a bucket refresh brought them, so only held-list clients
         * compare them. */
        Map<String, String> finalState(Map<String, Map<String, Object>> rows) {
            Map<String, String> state = new TreeMap<>();
            rows.forEach((uid, row) -> {
                if (row.get("deletedAt") == null || !digest) {
                    state.put(uid, row.get("version") + (row.get("deletedAt") == null ? "" : " deleted") + " " + row);
                }
            });
            return state;
        }

        Map<String, Map<String, Map<String, Object>>> copy() {
            Map<String, Map<String, Map<String, Object>>> copy = new HashMap<>();
            cache.forEach((table, rows) -> {
                Map<String, Map<String, Object>> tableCopy = new LinkedHashMap<>();
                rows.forEach((uid, row) -> tableCopy.put(uid, new LinkedHashMap<>(row)));
                copy.put(table, tableCopy);
            });
            return copy;
        }

        SyncCall call(String syncId, boolean verify, Map<String, HeldDigest> buckets, Map<String, List<String>> sent) {
            SyncCall call = new SyncCall(syncId);
            Random digestSizes = new Random(syncId.hashCode());
            for (String table : TABLES) {
                Map<String, Long> held = new LinkedHashMap<>();
                List<Map<String, Object>> changes = new ArrayList<>();
                cache.get(table).forEach((uid, row) -> {
                    if (bases.get(table).containsKey(uid)) {
                        Map<String, Object> change = new LinkedHashMap<>();
                        change.put("uid", uid);
                        change.put("baseVersion", bases.get(table).get(uid));
                        for (String column : COLUMNS.get(table)) {
                            change.put(column, row.get(column));
                        }
                        change.put("createdAt", row.get("createdAt"));
                        change.put("updatedAt", row.get("updatedAt"));
                        change.put("deletedAt", row.get("deletedAt"));
                        changes.add(change);
                    } else if (!digest || row.get("deletedAt") == null) { // a digest covers live rows only
                        held.put(uid, ((Number) row.get("version")).longValue());
                    }
                });
                sent.put(table, changes.stream().map(c -> (String) c.get("uid")).toList());
                if (digest) {
                    HeldDigest sums = HeldDigest.empty(1 << digestSizes.nextInt(8));
                    held.forEach((uid, version) -> sums.add(UUID.fromString(uid), version));
                    buckets.put(table, sums);
                    call.digestScope(table, null, sums.encode(), changes);
                } else {
                    call.scope(table, null, held, changes);
                }
                if (fromLog) {
                    call.stamp(table, stamps.get(table), verify);
                }
            }
            return call;
        }

        void check(Result result, Map<String, List<String>> sent) {
            for (String table : TABLES) {
                for (String uid : sent.get(table)) {
                    boolean applied = result.applied(table).contains(uid);
                    boolean rejected = result.reason(table, uid) != null;
                    assertTrue(applied ^ rejected, "I2: " + table + " " + uid + " applied xor rejected");
                    if (applied && cache.get(table).get(uid).get("deletedAt") == null && table.equals("users")) {
                        Map<String, Object> stored = result.upsert(table, uid);
                        assertTrue(stored.get("deletedAt") != null || stored.get("name").equals(cache.get(table).get(uid).get("name")),
                                "an applied change is what the server stores: " + stored);
                    }
                }
            }
        }

        void apply(Result result, Map<String, Map<String, Map<String, Object>>> cache, Map<String, HeldDigest> buckets) {
            for (String table : TABLES) {
                if (digest) { // replace every row of each refreshed bucket with the upserts
                    HeldDigest sums = buckets.get(table);
                    java.util.Set<Integer> refreshed = new java.util.HashSet<>(result.refreshedBuckets(table));
                    cache.get(table).keySet().removeIf(uid -> refreshed.contains(sums.bucket(UUID.fromString(uid))));
                } else {
                    assertEquals(null, result.refreshedBuckets(table));
                }
                result.drops(table).forEach(uid -> cache.get(table).remove(uid));
                for (Map<String, Object> row : result.upserts(table)) {
                    cache.get(table).put((String) row.get("uid"), new LinkedHashMap<>(row));
                }
            }
        }

        Map<String, String> liveRows(String table) {
            Map<String, String> rows = new TreeMap<>();
            cache.get(table).forEach((uid, row) -> {
                if (row.get("deletedAt") == null) {
                    rows.put(uid, String.valueOf(row.get("version")));
                }
            });
            return rows;
        }

        Map<String, String> tombstones(String table) {
            Map<String, String> rows = new TreeMap<>();
            cache.get(table).forEach((uid, row) -> {
                if (row.get("deletedAt") != null) {
                    rows.put(uid, String.valueOf(row.get("version")));
                }
            });
            return rows;
        }

        void assertNoLocalOrphans(long seed) {
            Map<String, Map<String, Object>> users = cache.get("users");
            Map<String, Map<String, Object>> groups = cache.get("groups");
            for (String m : live("userGroups")) {
                Map<String, Object> row = cache.get("userGroups").get(m);
                Map<String, Object> user = users.get(row.get("userUid"));
                Map<String, Object> group = groups.get(row.get("groupUid"));
                assertTrue(user != null && user.get("deletedAt") == null && group != null && group.get("deletedAt") == null,
                        "seed " + seed + ": client " + id + " shows membership " + m + " of a deleted user or group");
            }
        }
    }
}
