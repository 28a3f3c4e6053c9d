package dev.tidemark.addedtable;

import static dev.tidemark.support.GraphQL.ok;
import static dev.tidemark.support.GraphQL.okAs;
import static dev.tidemark.support.SyncCall.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * docs/adding-a-table.md, proven: the test-only table {@link UserNote} (its entity and a migration
 * calling {@code sync_enable_table}, nothing else) is queried, saved, synced with held rows and
 * offline changes, pushed to a subscriber, described by syncSchema and tombstoned with its user.
 */
@QuarkusTest
class AddedTableTest {

    static final String SYNC = """
            mutation($input: SyncInput!) {
              sync(input: $input) {
                cursor
                userNotes { id drops applied rejected { uid reason } upserts { uid userUid body tag version deletedAt } }
              }
            }""";

    static final String SAVE = """
            mutation($uid: String!, $user: String!, $body: String!, $tag: String) {
              saveUserNote(input: {uid: $uid, userUid: $user, body: $body, tag: $tag}) { uid version body }
            }""";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    @Test
    void shouldSyncATableThatIsOnlyItsEntityAndItsMigration() {
        String ann = Demo.user("Ann", null);
        String annToken = Tokens.user(UUID.fromString(ann));
        try (GraphQLWs live = GraphQLWs.connect(graphql, annToken)) {
            String notes = live.subscribeReady("""
                    subscription { userNoteChanged(where: {tag: {eq: "work"}}) { operation uid row { body deletedAt } } }""");

            // save and query, as the user the row policy lets see her notes
            String kept = Demo.uid();
            String edited = Demo.uid();
            okAs(annToken, SAVE, "uid", kept, "user", ann, "body", "kept", "tag", "work");
            long editedVersion = okAs(annToken, SAVE, "uid", edited, "user", ann, "body", "first", "tag", "work")
                    .getLong("data.saveUserNote.version");
            JsonPath query = okAs(annToken, """
                    query($u: String!) { userNotes(where: {userUid: {eq: $u}, user: {name: {eq: "Ann"}}}) { uid body user { name } } }""",
                    "u", ann);
            assertEquals(Set.of(kept, edited), Set.copyOf(query.getList("data.userNotes.uid")));
            assertEquals("Ann", query.getString("data.userNotes[0].user.name"));
            assertEquals(kept, live.event(notes).getString("uid"));
            assertEquals(edited, live.event(notes).getString("uid"));

            // another client edits a note the offline client holds; the offline client wrote one note and
            // deleted another; it also holds a note the server never had
            okAs(annToken, SAVE, "uid", edited, "user", ann, "body", "second", "tag", "work");
            String madeOffline = Demo.uid();
            String ghost = Demo.uid();
            String deletedAt = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5).toString();
            Map<String, Object> scope = Map.of("id", "work", "where", Map.of("tag", Map.of("eq", "work")),
                    "held", List.of(edited + ":" + editedVersion, ghost + ":1"),
                    "changes", List.of(
                            change(madeOffline, null, "userUid", ann, "body", "offline", "tag", "work"),
                            change(kept, versionOf(kept), "userUid", ann, "body", "kept", "tag", "work", "deletedAt", deletedAt)));
            JsonPath sync = okAs(annToken, SYNC, "input", Map.of("syncId", UUID.randomUUID().toString(), "userNotes", List.of(scope)));
            assertEquals(Set.of(madeOffline, kept), Set.copyOf(sync.getList("data.sync.userNotes[0].applied")));
            assertEquals(List.of(ghost), sync.getList("data.sync.userNotes[0].drops"));
            assertEquals(List.of(), sync.getList("data.sync.userNotes[0].rejected"));
            List<Map<String, Object>> upserts = sync.getList("data.sync.userNotes[0].upserts");
            assertEquals(Set.of(edited, madeOffline, kept), upserts.stream().map(u -> u.get("uid")).collect(Collectors.toSet()));
            assertEquals("second", upserts.stream().filter(u -> u.get("uid").equals(edited)).findFirst().orElseThrow().get("body"));
            assertNotNull(upserts.stream().filter(u -> u.get("uid").equals(kept)).findFirst().orElseThrow().get("deletedAt"));

            Map<String, String> seen = operations(live, notes, 3);
            assertEquals(Map.of(edited, "UPSERT", madeOffline, "UPSERT", kept, "DELETE"), seen);

            // deleting the user tombstones her live notes in the same transaction, and subscribers hear of it
            Demo.delete("User", ann);
            assertEquals(Map.of(edited, "DELETE", madeOffline, "DELETE"), operations(live, notes, 2));
        }
        JsonPath all = ok("query($u: String!) { userNotes(where: {userUid: {eq: $u}}, includeDeleted: true) { uid deletedAt } }",
                "u", ann);
        List<Map<String, Object>> rows = all.getList("data.userNotes");
        assertEquals(3, rows.size());
        rows.forEach(row -> assertNotNull(row.get("deletedAt"), () -> "not tombstoned with its user: " + row));
        assertNull(ok("query($u: String!) { userNotes(where: {userUid: {eq: $u}}) { uid } }", "u", ann)
                .getList("data.userNotes").stream().findAny().orElse(null));
    }

    @Test
    void shouldDescribeTheTableAndEnableItInTheDatabase() {
        List<Map<String, Object>> tables = ok("{ syncSchema { tables { name table queryField parents { field target cascade } } } }")
                .getList("data.syncSchema.tables");
        Map<String, Object> notes = tables.stream().filter(t -> t.get("name").equals("UserNote")).findFirst().orElseThrow();
        assertEquals("user_note", notes.get("table"));
        assertEquals("userNotes", notes.get("queryField"));
        assertEquals(List.of(Map.of("field", "user", "target", "User", "cascade", true)), notes.get("parents"));
        // what sync_enable_table made: both triggers, the indexes the engine looks rows up by, code-point text order
        assertEquals(2, db.count("select count(*) from pg_trigger where tgrelid = 'user_note'::regclass and tgname in "
                + "('user_note_version', 'user_note_change')"));
        assertEquals(4, db.count("select count(*) from pg_indexes where tablename = 'user_note' and indexname in "
                + "('user_note_version_idx', 'user_note_deleted_at_idx', 'user_note_user_uid_idx', 'user_note_user_uid_live_idx')"));
        assertEquals(2, db.count("select count(*) from pg_attribute a join pg_collation c on c.oid = a.attcollation "
                + "where a.attrelid = 'user_note'::regclass and a.attname in ('body', 'tag') and c.collname = 'C'"));
    }

    private long versionOf(String note) {
        return db.count("select version from user_note where uid = ?::uuid", note);
    }

    /** The next {@code count} events of a subscription, as uid to operation (their order across rows is not promised). */
    private static Map<String, String> operations(GraphQLWs live, String id, int count) {
        Map<String, String> seen = new HashMap<>();
        while (seen.size() < count) {
            JsonObject event = live.event(id);
            seen.put(event.getString("uid"), event.getString("operation"));
        }
        return seen;
    }
}
