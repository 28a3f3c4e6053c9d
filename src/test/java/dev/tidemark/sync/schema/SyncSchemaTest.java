package dev.tidemark.sync.schema;

import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The syncSchema query describes the entities over HTTP, so a client declares nothing twice. */
@QuarkusTest
class SyncSchemaTest {

    static final String SCHEMA = """
            { syncSchema { version tables {
                name table primaryKey queryField subscriptionField saveMutation deleteMutation conflictPolicy
                columns { name column type nullable system }
                parents { field foreignKey target cascade }
                children { field target parentField foreignKey } } } }""";

    @Test
    void shouldDescribeTheJoinTableWithItsCascadingForeignKeys() {
        Map<String, Object> memberships = table(ok(SCHEMA), "UserGroup");
        assertEquals("user_group", memberships.get("table"));
        assertEquals("uid", memberships.get("primaryKey"));
        assertEquals("userGroups", memberships.get("queryField"));
        assertEquals("userGroupChanged", memberships.get("subscriptionField"));
        assertEquals("saveUserGroup", memberships.get("saveMutation"));
        assertEquals("deleteUserGroup", memberships.get("deleteMutation"));
        assertEquals(List.of(
                Map.of("field", "group", "foreignKey", "groupUid", "target", "Group", "cascade", true),
                Map.of("field", "user", "foreignKey", "userUid", "target", "User", "cascade", true)),
                memberships.get("parents"));
        assertTrue(((List<?>) memberships.get("columns")).contains(
                Map.of("name", "groupUid", "column", "group_uid", "type", "UUID", "nullable", false, "system", false)));
    }

    @Test
    void shouldDescribeColumnTypesChildrenAndConflictPolicy() {
        Map<String, Object> users = table(ok(SCHEMA), "User");
        assertEquals("DELETE_WINS", users.get("conflictPolicy"));
        List<Map<String, Object>> columns = cast(users.get("columns"));
        assertEquals(List.of("uid", "createdAt", "createdBy", "deletedAt", "email", "name", "updatedAt", "version"),
                columns.stream().map(c -> c.get("name")).toList());
        assertEquals(List.of("UUID", "DATETIME", "UUID", "DATETIME", "STRING", "STRING", "DATETIME", "VERSION"),
                columns.stream().map(c -> c.get("type")).toList());
        // createdBy is the server's (@CreatedBy): a system column, never in a client's input
        assertEquals(List.of(false, true, true, true, false, false, true, true), columns.stream().map(c -> c.get("system")).toList());
        assertEquals(List.of(false, false, true, true, true, false, false, false), columns.stream().map(c -> c.get("nullable")).toList());
        assertEquals(List.of(
                Map.of("field", "documents", "target", "UserDocument", "parentField", "user", "foreignKey", "userUid"),
                Map.of("field", "memberships", "target", "UserGroup", "parentField", "user", "foreignKey", "userUid")),
                users.get("children"));
    }

    @Test
    void shouldListParentsBeforeChildrenAndKeepOneVersionDigest() {
        JsonPath response = ok(SCHEMA);
        List<String> names = response.getList("data.syncSchema.tables.name");
        assertTrue(names.indexOf("Group") < names.indexOf("UserGroup") && names.indexOf("User") < names.indexOf("UserGroup"));
        assertTrue(names.indexOf("UserDocument") < names.indexOf("UserDocumentEvent"));
        assertTrue(response.getString("data.syncSchema.version").matches("[0-9a-f]{24}"));
        assertEquals(response.getString("data.syncSchema.version"), ok(SCHEMA).getString("data.syncSchema.version"));
    }

    /**
     * A client checks its wheres against syncSchema (the web client's where check, its generated
     * types): every column and relation listed there must be a field of the table's where-input,
     * and the input must have no other (the server would take a where the client refuses).
     */
    @Test
    void shouldTakeInEachWhereInputEveryColumnAndRelationItLists() {
        List<Map<String, Object>> tables = ok(SCHEMA).getList("data.syncSchema.tables");
        for (Map<String, Object> table : tables) {
            String whereType = ok("{ __type(name: \"Query\") { fields { name args { name type { name } } } } }")
                    .getString("data.__type.fields.find { it.name == '" + table.get("queryField") + "' }"
                            + ".args.find { it.name == 'where' }.type.name");
            Set<String> listed = new TreeSet<>(Set.of("and", "or", "not"));
            for (String relations : List.of("columns", "parents", "children")) {
                for (Map<String, Object> item : cast(table.get(relations))) {
                    listed.add((String) item.get(relations.equals("columns") ? "name" : "field"));
                }
            }
            List<String> inputFields = ok("query($t: String!) { __type(name: $t) { inputFields { name } } }", "t", whereType)
                    .getList("data.__type.inputFields.name");
            assertEquals(listed, new TreeSet<>(inputFields), table.get("name") + ": syncSchema and " + whereType);
        }
    }

    @Test
    void shouldFindTheRowsAUserCreatedByCreatedBy() {
        String alice = Demo.user("Alice " + UUID.randomUUID(), null);
        String hers = Demo.uid();
        GraphQL.okAs(Tokens.user(UUID.fromString(alice)), "mutation($u: String!) { saveGroup(input: {uid: $u, name: \"Hers\"}) { uid } }",
                "u", hers);
        Demo.group("An admin's");
        assertEquals(List.of(hers), ok("query($me: String!) { groups(where: {createdBy: {eq: $me}}) { uid } }", "me", alice)
                .getList("data.groups.uid"));
    }

    @Test
    void shouldStateTheServersLimitsSoThatClientsSizeTheirRequests() {
        Map<String, Object> limits = ok("{ syncSchema { limits { maxSyncRows maxSyncScopes maxDigestBuckets maxInSize "
                + "maxWhereDepth maxSubscriptionsPerConnection maxBodyBytes } } }").getMap("data.syncSchema.limits");
        assertEquals(Map.of("maxSyncRows", 200000, "maxSyncScopes", 64, "maxDigestBuckets", 1 << 20, "maxInSize", 500,
                "maxWhereDepth", 8, "maxSubscriptionsPerConnection", 5, "maxBodyBytes", 16 << 20), limits);
    }

    private static Map<String, Object> table(JsonPath response, String name) {
        List<Map<String, Object>> tables = response.getList("data.syncSchema.tables");
        return tables.stream().filter(t -> t.get("name").equals(name)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cast(Object list) {
        return (List<Map<String, Object>>) list;
    }
}
