package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.SyncCall;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Values the contract refuses or clamps (issue 14, point 8): a version outside 0..2^53 − 1 (what a
 * JavaScript client holds) is BAD_USER_INPUT with its path, inline or in variables, in sync changes,
 * held rows and where filters; a tombstone is never dated before its row's creation (clamped to
 * {@code createdAt}, on the sync path, online, and in the cascade).
 */
@QuarkusTest
class ContractValuesTest {

    static final long MAX = (1L << 53) - 1;
    static final String USERS = "query($where: UserWhere) { users(where: $where) { uid } }";

    @Inject
    Db db;

    String ann;
    List<Map<String, Object>> snapshot;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", null);
        snapshot = db.snapshot();
    }

    static void assertBadVersion(JsonPath error, String field) {
        assertEquals("BAD_USER_INPUT", error.getString("extensions.code"), error.prettify());
        assertEquals(field, error.getString("extensions.field"), error.prettify());
    }

    @Test
    void shouldRefuseAnInlineBaseVersionOf2To70InsteadOfAnsweringDeletedOnServer() {
        String uid = Demo.uid();
        JsonPath error = error("mutation { sync(input: {syncId: \"" + Demo.uid() + "\", users: [{changes: [{uid: \"" + uid
                + "\", name: \"x\", baseVersion: 1180591620717411303424}]}]}) { cursor users { rejected { uid reason } } } }");
        assertBadVersion(error, "input.users[0].changes[0].baseVersion");
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldRefuseBaseVersionsOutside0To2To53InVariables() {
        for (Object version : List.of(BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(53), -1L, 1.5)) {
            Map<String, Object> change = SyncCall.change(Demo.uid(), null, "name", "x");
            change.put("baseVersion", version);
            JsonPath refused = new SyncCall().scope("users", null, Map.of(), List.of(change)).sendExpectingError();
            assertBadVersion(refused, "input.users[0].changes[0].baseVersion");
        }
        assertEquals(snapshot, db.snapshot(), "nothing written");
        // 2^53 - 1 is a version like any other: the row it was based on is gone, so DELETED_ON_SERVER
        String uid = Demo.uid();
        SyncCall.Result result = new SyncCall().scope("users", null, Map.of(), List.of(SyncCall.change(uid, MAX, "name", "x"))).send();
        assertEquals("DELETED_ON_SERVER", result.reason("users", uid));
    }

    @Test
    void shouldRefuseHeldVersionsOutside0To2To53() {
        for (String version : List.of(Long.toString(MAX + 1), "-1", "9223372036854775808")) {
            JsonPath error = error(SyncCall.DOCUMENT, "input", Map.of("syncId", Demo.uid(), "users",
                    List.of(Map.of("held", List.of(ann + ":" + version)))));
            assertBadVersion(error, "input.users[0].held[0]");
        }
        Map<String, Object> held = Map.of("syncId", Demo.uid(), "users", List.of(Map.of("held", List.of(ann + ":" + MAX))));
        assertEquals(List.of(ann), ok(SyncCall.DOCUMENT, "input", held).getList("data.sync.users[0].upserts.uid"), "held at another version");
    }

    @Test
    void shouldRefuseVersionFiltersOutside0To2To53() {
        assertBadVersion(error(USERS, "where", Map.of("version", Map.of("gt", MAX + 1))), "where.version.gt");
        assertBadVersion(error(USERS, "where", Map.of("version", Map.of("in", List.of(1, -1)))), "where.version.in[1]");
        assertBadVersion(error("{ users(where: {version: {lte: 9007199254740992}}) { uid } }"), "where.version.lte");
        assertEquals(List.of(ann), ok(USERS, "where", Map.of("version", Map.of("lte", MAX))).getList("data.users.uid"));
    }

    @Test
    void shouldDateATombstoneNoEarlierThanItsRowsCreation() {
        String created = "2026-01-01T00:00:00Z";
        String uid = Demo.uid();
        // created and deleted offline, the device's clock in 1970 when it deleted
        SyncCall.Result inserted = new SyncCall().scope("users", null, Map.of(),
                List.of(SyncCall.change(uid, null, "name", "Cy", "createdAt", created, "deletedAt", "1970-01-01T00:00:00Z"))).send();
        assertEquals(List.of(uid), inserted.applied("users"));
        assertEquals(instant(created), deletedAt("app_user", uid));

        // an existing row deleted through sync with a 1970 tombstone
        Map<String, Object> row = db.row("select version from app_user where uid = ?::uuid", ann);
        new SyncCall().scope("users", null, Map.of(), List.of(SyncCall.change(ann, ((Number) row.get("version")).longValue(), "name", "Ann",
                "deletedAt", "1970-01-01T00:00:00Z"))).send();
        assertEquals(createdAt("app_user", ann), deletedAt("app_user", ann), "clamped to createdAt");
    }

    @Test
    void shouldNotCascadeATombstoneDatedBeforeTheChildWasCreated() {
        String group = Demo.uid();
        String member = Demo.uid();
        new SyncCall()
                .scope("groups", null, Map.of(), List.of(SyncCall.change(group, null, "name", "Red", "createdAt", "2026-01-01T00:00:00Z")))
                .scope("userGroups", null, Map.of(), List.of(SyncCall.change(member, null, "userUid", ann, "groupUid", group,
                        "createdAt", "2026-06-01T00:00:00Z")))
                .send();
        long version = ((Number) db.row("select version from app_group where uid = ?::uuid", group).get("version")).longValue();
        // deleted offline in March: after the group was made, before the membership was
        new SyncCall().scope("groups", null, Map.of(), List.of(SyncCall.change(group, version, "name", "Red",
                "deletedAt", "2026-03-01T00:00:00Z"))).send();
        assertEquals(instant("2026-03-01T00:00:00Z"), deletedAt("app_group", group));
        assertEquals(instant("2026-06-01T00:00:00Z"), deletedAt("user_group", member), "the membership's own createdAt");
        assertEquals(instant("2026-06-01T00:00:00Z"), time("select updated_at from user_group where uid = ?::uuid", member));
    }

    private Instant deletedAt(String table, String uid) {
        return time("select deleted_at from " + table + " where uid = ?::uuid", uid);
    }

    private Instant createdAt(String table, String uid) {
        return time("select created_at from " + table + " where uid = ?::uuid", uid);
    }

    private Instant time(String sql, String uid) {
        Object value = db.row(sql, uid).values().iterator().next();
        return value instanceof OffsetDateTime t ? t.toInstant() : ((Timestamp) value).toInstant();
    }

    private static Instant instant(String text) {
        return OffsetDateTime.parse(text).toInstant();
    }
}
