package dev.tidemark.demo.api;

import java.time.OffsetDateTime;
import java.util.List;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import io.smallrye.graphql.api.Subscription;
import io.smallrye.mutiny.Multi;

import dev.tidemark.demo.model.Group;
import dev.tidemark.demo.model.User;
import dev.tidemark.demo.model.UserGroup;
import dev.tidemark.sync.api.TableApi;
import dev.tidemark.sync.reconcile.ScopeInput;
import dev.tidemark.sync.reconcile.ScopeResult;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.where.SyncedWhere;
import dev.tidemark.sync.where.UuidFilter;
import dev.tidemark.sync.write.SyncedInput;

/** GraphQL API of {@link UserGroup}, the membership join table. */
@GraphQLApi
public class UserGroupApi extends TableApi {

    @Input("UserGroupWhere")
    @Description("Which memberships: conditions on columns and relations; all given fields must hold.")
    public static class UserGroupWhere extends SyncedWhere {
        public UuidFilter userUid;
        public UuidFilter groupUid;
        @Description("The membership's user matches.")
        public UserApi.UserWhere user;
        @Description("The membership's group matches.")
        public GroupApi.GroupWhere group;
        public List<UserGroupWhere> and;
        public List<UserGroupWhere> or;
        public UserGroupWhere not;
    }

    @Input("UserGroupListWhere")
    @Description("A condition on a list of related memberships (live ones only).")
    public static class UserGroupListWhere {
        public UserGroupWhere some;
        public UserGroupWhere none;
    }

    @Input("UserGroupInput")
    public static class UserGroupInput extends SyncedInput {
        @NonNull
        public String userUid;
        @NonNull
        public String groupUid;
    }

    @Input("UserGroupChangeInput")
    @Description("A UserGroup changed offline: its new values, the version they were based on, its tombstone if deleted.")
    public static class UserGroupChange extends UserGroupInput {
        @Description("The version the change was based on; null for a row created offline.")
        public Long baseVersion;
        @Description("When the client deleted the row offline; null if it did not.")
        public OffsetDateTime deletedAt;
    }

    @Input("UserGroupScopeInput")
    @Description("One UserGroup scope of a sync: its where, the rows the client holds, and its offline changes.")
    public static class UserGroupScope extends ScopeInput {
        public UserGroupWhere where;
        public List<UserGroupChange> changes;
    }

    @Type("UserGroupScopeResult")
    @Description("What the client must do for one UserGroup scope.")
    public static class UserGroupScopeResult extends ScopeResult {
        @NonNull
        @Description("Rows to store (replacing the cached copy), tombstones included.")
        public List<@NonNull UserGroup> upserts;
    }

    @Query
    @Description("Memberships matching the where (all when absent); tombstones only with includeDeleted.")
    public @NonNull List<@NonNull UserGroup> userGroups(UserGroupWhere where, @DefaultValue("false") boolean includeDeleted) {
        return queries.list(UserGroup.class, where, includeDeleted);
    }

    @Mutation
    @Description("Creates or updates a membership; refused when its user or group is missing or deleted.")
    public @NonNull UserGroup saveUserGroup(@NonNull UserGroupInput input) {
        return writes.save(UserGroup.class, input);
    }

    @Mutation
    @Description("Deletes (tombstones) the membership.")
    public @NonNull UserGroup deleteUserGroup(@NonNull String uid) {
        return writes.delete(UserGroup.class, uid);
    }

    @Subscription
    @Description("Changes of memberships matching the where, from commit order: READY first, then UPSERT, DELETE, LEAVE_SCOPE or RESYNC.")
    public Multi<ChangeEvent<UserGroup>> userGroupChanged(UserGroupWhere where) {
        return hub.subscribe(UserGroup.class, where);
    }

    @Description("The member (even if deleted).")
    public List<User> user(@Source List<UserGroup> memberships) {
        return relations.parents(memberships, "user", User.class);
    }

    @Description("The group (even if deleted).")
    public List<Group> group(@Source List<UserGroup> memberships) {
        return relations.parents(memberships, "group", Group.class);
    }
}
