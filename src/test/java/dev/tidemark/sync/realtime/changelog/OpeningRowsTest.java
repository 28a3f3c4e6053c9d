package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.realtime.hub.SubscriptionHub;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;

/**
 * The rows a change-log read's opening reads ({@link OpeningRows}: each entry's row as {@code to_jsonb},
 * converted back per attribute type) are the rows Hibernate loads: for every synced table, every basic
 * attribute of every changed row equals (with {@code equals}: a timestamp's offset too) the attribute
 * of the same row loaded by the batch's session in the same snapshot, for new rows, rows with null
 * columns, updated rows and rows tombstoned by a cascade. The tailer thread is off; the test reads the
 * log on its own thread with a listener that compares.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class OpeningRowsTest {

    @Inject
    ChangeLogTailer tailer;

    @Inject
    SessionFactory sessions;

    @Inject
    SyncRegistry registry;

    @Test
    void shouldReadEveryTablesRowsAsHibernateLoadsThem() {
        List<String> compared = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        List<String> tombstones = new ArrayList<>();
        Set<String> tables = new TreeSet<>();
        QuarkusMock.installMockForType(new SubscriptionHub() {
            @Override
            public boolean idle() {
                return false;
            }

            @Override
            public void deliver(ChangeBatch batch) {
                batch.changed.forEach((table, rows) -> rows.forEach((uid, row) -> {
                    SyncTable synced = registry.table(row.entity().getClass());
                    SyncedEntity loaded = batch.now.session().get(synced.entityClass(), uid);
                    assertNotNull(loaded, uid.toString());
                    tables.add(table);
                    if (row.entity().deletedAt != null) {
                        tombstones.add(table);
                    }
                    compare(synced, row.entity(), loaded, compared, differences);
                }));
            }

            @Override
            public void resyncAll(String cursor) {
            }
        }, SubscriptionHub.class);
        tailer.readBatch(); // whatever came before
        String prefix = "Opening-" + Demo.uid();
        String first = Demo.user(prefix + " one", null);
        String second = Demo.user(prefix + " two", prefix + "@example.com");
        String group = Demo.group(prefix + " group");
        Demo.membership(first, group);
        Demo.membership(second, group);
        String document = Demo.document(second, "It's \"quoted\" \\ and \u2028 and \ud83d\ude00");
        Demo.event(document, "created", null);
        Demo.event(document, "edited", "{\"at\": 1}");
        GraphQL.ok("""
                mutation($uid: String!, $user: String!) { saveUserNote(input: {uid: $uid, userUid: $user, body: "b"}) { uid } }""",
                "uid", Demo.uid(), "user", first); // the test-only table (its tag null)
        tailer.readBatch();
        assertEquals(registry.all().stream().map(SyncTable::tableName).collect(Collectors.toCollection(TreeSet::new)), tables,
                "every synced table had a changed row");

        tables.clear();
        Demo.user(prefix + " three", null);
        Demo.delete("Group", group); // tombstones the group and, by cascade, both memberships
        tailer.readBatch();
        assertEquals(List.of("app_group", "user_group", "user_group"), tombstones.stream().sorted().toList());
        assertEquals(List.of(), differences);
        assertTrue(compared.size() > 40, compared::toString);
    }

    /**
     * A row whose JSON does not convert (a value of another type than its column's: what a column
     * mapped differently from its database type would give) leaves its table out of the read, so the
     * batch reads that table's rows with a statement of its own, instead of failing the read (which
     * the tailer would retry forever); the other tables' rows are kept.
     */
    @Test
    void shouldLeaveATableWhoseRowDoesNotConvertToItsOwnStatement() {
        OpeningRows rows = new OpeningRows(sessions.unwrap(SessionFactoryImplementor.class), registry.all());
        Map<String, Map<UUID, SyncedEntity>> read = rows.empty();
        UUID group = UUID.randomUUID();
        rows.add("app_group", group, "{\"uid\": \"" + group + "\", \"name\": \"G\", \"created_at\": \"2026-12-03T08:00:00.5+01:00\","
                + " \"updated_at\": \"2026-12-03T07:00:00.5+00:00\", \"deleted_at\": null, \"version\": 7, \"created_by\": null}", read);
        UUID user = UUID.randomUUID();
        rows.add("app_user", user, "{\"uid\": \"" + user + "\", \"name\": {\"not\": \"text\"}, \"version\": 1}", read);
        assertTrue(read.containsKey("app_group"), read::toString);
        assertFalse(read.containsKey("app_user"), "the table whose row did not convert is left to its own statement");
        SyncedEntity made = read.get("app_group").get(group);
        assertEquals(group, made.uid);
        assertEquals(7L, made.version);
        assertEquals(java.time.OffsetDateTime.parse("2026-12-03T07:00:00.5Z"), made.createdAt, "normalised to UTC, as the driver gives it");
        assertEquals(null, made.deletedAt);
        // a later entry of the table left out adds nothing back for this read
        rows.add("app_user", user, "{\"uid\": \"" + user + "\", \"name\": \"U\", \"version\": 1}", read);
        assertFalse(read.containsKey("app_user"));
    }

    /** Compares every basic attribute (the uid, the columns) of the read row with the loaded one. */
    private void compare(SyncTable table, SyncedEntity read, SyncedEntity loaded, List<String> compared, List<String> differences) {
        EntityPersister persister = sessions.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
                .getEntityDescriptor(table.entityClass());
        assertEquals(loaded.getClass(), read.getClass());
        check(table, "uid", read.uid, loaded.uid, compared, differences);
        persister.forEachAttributeMapping(attribute -> {
            if (attribute instanceof BasicValuedModelPart) {
                check(table, attribute.getAttributeName(), attribute.getValue(read), attribute.getValue(loaded), compared,
                        differences);
            }
        });
    }

    private static void check(SyncTable table, String attribute, Object read, Object loaded, List<String> compared,
            List<String> differences) {
        compared.add(table.tableName() + "." + attribute);
        if (read == null ? loaded != null : !read.equals(loaded)) {
            differences.add(table.tableName() + "." + attribute + ": read " + read + ", loaded " + loaded);
        }
        if (loaded != null && read != null && !read.getClass().equals(loaded.getClass())) {
            differences.add(table.tableName() + "." + attribute + ": read a " + read.getClass().getSimpleName() + ", loaded a "
                    + loaded.getClass().getSimpleName());
        }
    }
}
