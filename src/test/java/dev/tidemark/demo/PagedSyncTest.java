package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.SyncCall.Result;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The paged first sync of a large scope (README, "Paged first sync"), through the public sync
 * mutation: pages in uid order without tombstones, the total on the first page, the refusals of a
 * malformed page, and — the point of the design — a client that pages while the scope changes
 * under it and then reconciles once ends with exactly the server's rows (I1), whatever moved
 * between its pages.
 */
@QuarkusTest
class PagedSyncTest {

    static final Map<String, Object> P_GROUPS = Map.of("name", Map.of("startsWith", "P"));

    @Inject
    Db db;

    @BeforeEach
    void clear() {
        db.clear();
    }

    @Test
    void shouldReadAScopePageByPageInUidOrderWithoutTombstones() {
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            live.add(Demo.group("P" + i));
        }
        String gone = Demo.group("P-gone");
        Demo.delete("Group", gone);
        Demo.group("Elsewhere");
        live.sort(null); // canonical lower-case uids sort as PostgreSQL sorts uuids

        Result first = new SyncCall().pagedScope("groups", P_GROUPS, 3, null).send();
        assertEquals(live.subList(0, 3), sortedUids(first), "the first three uids");
        assertTrue(first.more("groups"));
        assertEquals(live.get(2), first.nextAfter("groups"));
        assertEquals(7, first.total("groups"), "the live rows of the scope, the tombstone and the other group left out");

        Result second = new SyncCall().pagedScope("groups", P_GROUPS, 3, first.nextAfter("groups")).send();
        assertEquals(live.subList(3, 6), sortedUids(second));
        assertNull(second.total("groups"), "counted on the first page only");
        Result last = new SyncCall().pagedScope("groups", P_GROUPS, 3, second.nextAfter("groups")).send();
        assertEquals(live.subList(6, 7), sortedUids(last));
        assertFalse(last.more("groups"));
        assertEquals(live.get(6), last.nextAfter("groups"));
        assertEquals(List.of(), last.drops("groups"));
    }

    @Test
    void shouldAnswerAnEmptyScopeWithOneEmptyLastPage() {
        Result page = new SyncCall().pagedScope("groups", P_GROUPS, 100, null).send();
        assertEquals(List.of(), page.upsertUids("groups"));
        assertFalse(page.more("groups"));
        assertNull(page.nextAfter("groups"));
        assertEquals(0, page.total("groups"));
    }

    @Test
    void shouldMarkAScopeThatIsNotPagedAsHavingNoMore() {
        Demo.group("P1");
        Result result = new SyncCall().scope("groups", P_GROUPS, Map.of(), List.of()).send();
        assertFalse(result.more("groups"));
        assertNull(result.nextAfter("groups"));
        assertNull(result.total("groups"));
    }

    @Test
    void shouldRefuseAMalformedPageWithItsFieldAndWriteNothing() {
        String red = Demo.group("P-red");
        assertRefused(new SyncCall().pagedScope("groups", P_GROUPS, 0, null), "BAD_USER_INPUT", "input.groups[0].pageSize");
        assertRefused(new SyncCall().pagedScope("groups", P_GROUPS, 10_001, null), "LIMIT_EXCEEDED", "input.groups[0].pageSize");
        assertRefused(new SyncCall().pagedScope("groups", P_GROUPS, 10, "not-a-uid"), "BAD_USER_INPUT", "input.groups[0].after");
        for (Object notAnInt : List.of(2.5, "ten", 1L << 31)) {
            SyncCall call = new SyncCall().pagedScope("groups", P_GROUPS, 10, null);
            scopeOf(call).put("pageSize", notAnInt);
            assertRefused(call, "BAD_USER_INPUT", "input.groups[0].pageSize"); // a strict Int (StrictScalars)
        }
        SyncCall withChanges = new SyncCall().pagedScope("groups", P_GROUPS, 10, null);
        scopeOf(withChanges).put("changes", List.of(SyncCall.change(Demo.uid(), null, "name", "P-new")));
        assertRefused(withChanges, "BAD_USER_INPUT", "input.groups[0].pageSize");
        SyncCall withHeld = new SyncCall().pagedScope("groups", P_GROUPS, 10, null);
        scopeOf(withHeld).put("held", List.of(red + ":1"));
        assertRefused(withHeld, "BAD_USER_INPUT", "input.groups[0].pageSize");
        SyncCall afterAlone = new SyncCall().scope("groups", P_GROUPS, Map.of(), List.of());
        scopeOf(afterAlone).put("after", red);
        assertRefused(afterAlone, "BAD_USER_INPUT", "input.groups[0].after");
        assertEquals(0, db.count("select count(*) from app_group where name = 'P-new'"));
    }

    @Test
    void shouldStateTheLargestPageInTheSchemaLimits() {
        JsonPath schema = GraphQL.ok("{ syncSchema { limits { maxSyncPageSize } } }");
        assertEquals(10_000, schema.getInt("data.syncSchema.limits.maxSyncPageSize"));
    }

    /**
     * A client pages through 60 groups, 7 at a time, while the server changes the scope between
     * its pages at random (updates, deletes, new rows before and after its cursor, rows leaving
     * and entering the scope); after its last page it reconciles once with the rows it holds. It
     * must then hold exactly the server's live rows at their versions, and its tombstones must be
     * the server's. Seeds fixed and printed ({@code -Dpaging.seed=N} replays one).
     */
    @Test
    void shouldConvergeAfterTheLastPageWhateverChangedBetweenPages() {
        long first = Long.getLong("paging.seed", 20261201L);
        for (long next = first; next < first + (System.getProperty("paging.seed") == null ? 5 : 1); next++) {
            final long seed = next;
            System.out.println("[paging] seed " + seed);
            db.clear();
            Random random = new Random(seed);
            List<String> groups = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                groups.add(Demo.group("P" + i));
            }
            Map<String, Long> client = new HashMap<>(); // uid -> version; tombstones as negative versions
            String after = null;
            boolean more = true;
            int pages = 0;
            while (more) {
                Result page = new SyncCall().pagedScope("groups", P_GROUPS, 7, after).send();
                page.upserts("groups").forEach(row -> client.put((String) row.get("uid"), ((Number) row.get("version")).longValue()));
                more = page.more("groups");
                after = page.nextAfter("groups");
                pages++;
                for (int c = 0; c < 4; c++) {
                    changeSomething(random, groups);
                }
            }
            Map<String, Long> held = new TreeMap<>();
            client.forEach((uid, version) -> held.put(uid, Math.abs(version)));
            Result reconcile = new SyncCall().scope("groups", P_GROUPS, held, List.of()).send();
            reconcile.drops("groups").forEach(client::remove);
            reconcile.upserts("groups").forEach(row -> client.put((String) row.get("uid"),
                    ((Number) row.get("version")).longValue() * (row.get("deletedAt") == null ? 1 : -1)));

            Map<String, Long> serverLive = new TreeMap<>();
            db.rows("select uid::text as uid, version from app_group where name like 'P%' and deleted_at is null")
                    .forEach(r -> serverLive.put((String) r.get("uid"), ((Number) r.get("version")).longValue()));
            Map<String, Long> clientLive = new TreeMap<>();
            client.forEach((uid, version) -> {
                if (version > 0) {
                    clientLive.put(uid, version);
                }
            });
            assertEquals(serverLive, clientLive, "seed " + seed + " after " + pages + " pages: the client's live rows are the server's");
            client.forEach((uid, version) -> {
                if (version < 0) {
                    Map<String, Object> row = db.row("select version, deleted_at from app_group where uid = ?::uuid", uid);
                    assertEquals(-version, ((Number) row.get("version")).longValue(), "seed " + seed + ": tombstone " + uid);
                }
            });
        }
    }

    /** One random change of the scope: an update, a delete, a new row (any uid), a row leaving or entering. */
    private void changeSomething(Random random, List<String> groups) {
        String uid = groups.get(random.nextInt(groups.size()));
        switch (random.nextInt(5)) {
            case 0 -> rename(uid, "P-renamed-" + random.nextInt(1000));
            case 1 -> {
                if (db.count("select count(*) from app_group where uid = ?::uuid and deleted_at is null", uid) == 1) {
                    Demo.delete("Group", uid);
                }
            }
            case 2 -> groups.add(Demo.group("P-new-" + random.nextInt(1000)));
            case 3 -> rename(uid, "Out-" + random.nextInt(1000));
            default -> rename(uid, "P-back-" + random.nextInt(1000));
        }
    }

    private void rename(String uid, String name) {
        if (db.count("select count(*) from app_group where uid = ?::uuid and deleted_at is null", uid) == 1) {
            GraphQL.ok("mutation($u: String!, $n: String!) { saveGroup(input: {uid: $u, name: $n}) { uid } }", "u", uid, "n", name);
        }
    }

    void assertRefused(SyncCall call, String code, String field) {
        JsonPath error = call.sendExpectingError();
        assertEquals(code, error.getString("extensions.code"), error.prettify());
        assertEquals(field, error.getString("extensions.field"), error.prettify());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> scopeOf(SyncCall call) {
        return ((List<Map<String, Object>>) call.input().get("groups")).get(0);
    }

    private static List<String> sortedUids(Result page) {
        List<String> uids = new ArrayList<>(page.upsertUids("groups"));
        uids.sort(null);
        return uids;
    }
}
