package dev.tidemark.sync.api;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * The synced tables as clients see them (the {@code syncSchema} query): what a client needs to
 * build its local replica, its queries and its local cascades without declaring any of it again.
 */
@Type("SyncSchema")
@Description("The synced tables, their columns, relations, cascades and conflict policies, read from the server's entities.")
public class SchemaDescription {

    @NonNull
    @Description("Digest of everything below: a client whose stored digest differs migrates its local replica.")
    public String version;

    @NonNull
    @Description("Every synced table, parents before the tables that reference them.")
    public List<@NonNull TableDescription> tables;

    @NonNull
    @Description("What this server accepts, from its configuration, so that clients size their requests to it. "
            + "Not part of version: a change of limits migrates no replica.")
    public LimitsDescription limits;

    /** The server's request limits (its configuration), as clients must respect them. */
    @Type("SyncLimits")
    @Description("The server's request limits; over any of them a request is refused (LIMIT_EXCEEDED, or HTTP 413 for the body).")
    public static class LimitsDescription {
        @NonNull
        @Description("Most client rows in one sync: held rows, changes and digest buckets, all scopes together (tidemark.sync.max-rows).")
        public Integer maxSyncRows;
        @NonNull
        @Description("Most scopes in one sync (tidemark.sync.max-scopes).")
        public Integer maxSyncScopes;
        @NonNull
        @Description("Largest pageSize of a paged scope in a sync (tidemark.sync.max-page-size).")
        public Integer maxSyncPageSize;
        @NonNull
        @Description("Most buckets of one scope's held digest.")
        public Integer maxDigestBuckets;
        @NonNull
        @Description("Largest list of an in or notIn operator (tidemark.where.max-in-size).")
        public Integer maxInSize;
        @NonNull
        @Description("Deepest nesting of a where-input (tidemark.where.max-depth).")
        public Integer maxWhereDepth;
        @NonNull
        @Description("Most subscriptions one WebSocket connection holds (tidemark.realtime.max-subscriptions-per-connection).")
        public Integer maxSubscriptionsPerConnection;
        @NonNull
        @Description("Largest HTTP request body in bytes (quarkus.http.limits.max-body-size, capped at 2^31 - 1); "
                + "a sync request must stay under it.")
        public Integer maxBodyBytes;
    }

    /** One synced table. */
    @Type("SyncTableSchema")
    @Description("One synced table and the names of its GraphQL operations.")
    public static class TableDescription {
        @NonNull
        @Description("GraphQL type name (Group); also the client's name for the table.")
        public String name;
        @NonNull
        @Description("SQL table name (app_group).")
        public String table;
        @NonNull
        @Description("Primary key field: always uid, a client-made UUID.")
        public String primaryKey;
        @NonNull
        @Description("List query, and the field of this table's scopes in SyncInput and SyncResult (groups).")
        public String queryField;
        @NonNull
        @Description("Realtime subscription (groupChanged).")
        public String subscriptionField;
        @NonNull
        @Description("Online upsert mutation (saveGroup).")
        public String saveMutation;
        @NonNull
        @Description("Online tombstone mutation (deleteGroup).")
        public String deleteMutation;
        @NonNull
        @Description("Conflict policy: DELETE_WINS (a tombstone beats a concurrent update) or LAST_WRITER_WINS.")
        public String conflictPolicy;
        @NonNull
        public List<@NonNull ColumnDescription> columns;
        @NonNull
        @Description("Many-to-one references (foreign keys) to parent tables.")
        public List<@NonNull ParentDescription> parents;
        @NonNull
        @Description("One-to-many relations to child tables (the inverse of their parents).")
        public List<@NonNull ChildDescription> children;
    }

    /** One column. */
    @Type("SyncColumnSchema")
    public static class ColumnDescription {
        @NonNull
        @Description("Field name (groupUid).")
        public String name;
        @NonNull
        @Description("SQL column name (group_uid).")
        public String column;
        @NonNull
        @Description("STRING, UUID, DATETIME (ISO-8601 text), VERSION (server counter), BOOLEAN, INT or FLOAT.")
        public String type;
        @NonNull
        public Boolean nullable;
        @NonNull
        @Description("Managed by the server or the sync protocol (createdAt, updatedAt, deletedAt, version).")
        public Boolean system;
    }

    /** A many-to-one reference. */
    @Type("SyncParentSchema")
    public static class ParentDescription {
        @NonNull
        @Description("Relation field (group), usable in wheres.")
        public String field;
        @NonNull
        @Description("Column holding the parent's uid (groupUid).")
        public String foreignKey;
        @NonNull
        @Description("Parent table (Group).")
        public String target;
        @NonNull
        @Description("Whether tombstoning the parent tombstones this row (@TombstoneCascade).")
        public Boolean cascade;
    }

    /** A one-to-many relation. */
    @Type("SyncChildSchema")
    public static class ChildDescription {
        @NonNull
        @Description("Relation field (memberships), usable in wheres with some/none.")
        public String field;
        @NonNull
        @Description("Child table (UserGroup).")
        public String target;
        @NonNull
        @Description("The child's relation field pointing back (group).")
        public String parentField;
        @NonNull
        @Description("The child's column holding this row's uid (groupUid).")
        public String foreignKey;
    }
}
