package dev.tidemark.sync.schema;

import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
