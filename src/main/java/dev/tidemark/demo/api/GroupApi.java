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
import dev.tidemark.sync.where.StringFilter;
import dev.tidemark.sync.where.SyncedWhere;
import dev.tidemark.sync.write.SyncedInput;

/** GraphQL API of {@link Group}: query, writes and relation fields. */
@GraphQLApi
public class GroupApi extends TableApi {

    @Input("GroupWhere")
    @Description("Which groups: conditions on columns and relations; all given fields must hold.")
    public static class GroupWhere extends SyncedWhere {
        public StringFilter name;
        @Description("Groups with some / no live membership matching.")
        public UserGroupApi.UserGroupListWhere memberships;
        public List<GroupWhere> and;
        public List<GroupWhere> or;
        public GroupWhere not;
    }

    @Input("GroupInput")
    public static class GroupInput extends SyncedInput {
        @NonNull
        public String name;
    }

    @Input("GroupChangeInput")
    @Description("A Group changed offline: its new values, the version they were based on, its tombstone if deleted.")
    public static class GroupChange extends GroupInput {
        @Description("The version the change was based on; null for a row created offline.")
        public Long baseVersion;
        @Description("When the client deleted the row offline; null if it did not.")
        public OffsetDateTime deletedAt;
    }

    @Input("GroupScopeInput")
    @Description("One Group scope of a sync: its where, the rows the client holds, and its offline changes.")
    public static class GroupScope extends ScopeInput {
        public GroupWhere where;
        public List<GroupChange> changes;
    }

    @Type("GroupScopeResult")
    @Description("What the client must do for one Group scope.")
    public static class GroupScopeResult extends ScopeResult {
        @NonNull
        @Description("Rows to store (replacing the cached copy), tombstones included.")
        public List<@NonNull Group> upserts;
    }

    @Query
    @Description("Groups matching the where (all when absent); tombstones only with includeDeleted.")
    public @NonNull List<@NonNull Group> groups(GroupWhere where, @DefaultValue("false") boolean includeDeleted) {
        return queries.list(Group.class, where, includeDeleted);
    }

    @Mutation
    @Description("Creates or updates the group with input.uid.")
    public @NonNull Group saveGroup(@NonNull GroupInput input) {
        return writes.save(Group.class, input);
    }

    @Mutation
    @Description("Deletes (tombstones) the group and all its memberships.")
    public @NonNull Group deleteGroup(@NonNull String uid) {
        return writes.delete(Group.class, uid);
    }

    @Subscription
    @Description("Changes of groups matching the where, from commit order: READY first, then UPSERT, DELETE, LEAVE_SCOPE or RESYNC.")
    public Multi<ChangeEvent<Group>> groupChanged(GroupWhere where) {
        return hub.subscribe(Group.class, where);
    }

    @Description("The group's live memberships.")
    public List<@NonNull List<@NonNull UserGroup>> memberships(@Source List<Group> groups) {
        return relations.children(groups, "memberships", UserGroup.class);
    }

    @Description("The live users who are live members of the group.")
    public List<@NonNull List<@NonNull User>> members(@Source List<Group> groups) {
        return relations.through(groups, "memberships", UserGroup.class, "user", User.class);
    }
}
