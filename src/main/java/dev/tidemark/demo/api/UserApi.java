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
import dev.tidemark.demo.model.UserDocument;
import dev.tidemark.demo.model.UserGroup;
import dev.tidemark.sync.api.TableApi;
import dev.tidemark.sync.reconcile.ScopeInput;
import dev.tidemark.sync.reconcile.ScopeResult;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.where.StringFilter;
import dev.tidemark.sync.where.SyncedWhere;
import dev.tidemark.sync.write.SyncedInput;

/** GraphQL API of {@link User}: query, writes and relation fields. */
@GraphQLApi
public class UserApi extends TableApi {

    @Input("UserWhere")
    @Description("Which users: conditions on columns and relations; all given fields must hold.")
    public static class UserWhere extends SyncedWhere {
        public StringFilter name;
        public StringFilter email;
        @Description("Users with some / no live membership matching.")
        public UserGroupApi.UserGroupListWhere memberships;
        @Description("Users with some / no live document matching.")
        public UserDocumentApi.UserDocumentListWhere documents;
        public List<UserWhere> and;
        public List<UserWhere> or;
        public UserWhere not;
    }

    @Input("UserListWhere")
    @Description("A condition on a list of related users.")
    public static class UserListWhere {
        public UserWhere some;
        public UserWhere none;
    }

    @Input("UserInput")
    public static class UserInput extends SyncedInput {
        @NonNull
        public String name;
        public String email;
    }

    @Input("UserChangeInput")
    @Description("A User changed offline: its new values, the version they were based on, its tombstone if deleted.")
    public static class UserChange extends UserInput {
        @Description("The version the change was based on; null for a row created offline.")
        public Long baseVersion;
        @Description("When the client deleted the row offline; null if it did not.")
        public OffsetDateTime deletedAt;
    }

    @Input("UserScopeInput")
    @Description("One User scope of a sync: its where, the rows the client holds, and its offline changes.")
    public static class UserScope extends ScopeInput {
        public UserWhere where;
        public List<UserChange> changes;
    }

    @Type("UserScopeResult")
    @Description("What the client must do for one User scope.")
    public static class UserScopeResult extends ScopeResult {
        @NonNull
        @Description("Rows to store (replacing the cached copy), tombstones included.")
        public List<@NonNull User> upserts;
    }

    @Query
    @Description("Users matching the where (all when absent); tombstones only with includeDeleted.")
    public @NonNull List<@NonNull User> users(UserWhere where, @DefaultValue("false") boolean includeDeleted) {
        return queries.list(User.class, where, includeDeleted);
    }

    @Mutation
    @Description("Creates or updates the user with input.uid.")
    public @NonNull User saveUser(@NonNull UserInput input) {
        return writes.save(User.class, input);
    }

    @Mutation
    @Description("Deletes (tombstones) the user and their memberships.")
    public @NonNull User deleteUser(@NonNull String uid) {
        return writes.delete(User.class, uid);
    }

    @Subscription
    @Description("Changes of users matching the where, from commit order: READY first, then UPSERT, DELETE, LEAVE_SCOPE or RESYNC.")
    public Multi<ChangeEvent<User>> userChanged(UserWhere where) {
        return hub.subscribe(User.class, where);
    }

    @Description("The user's live memberships.")
    public List<@NonNull List<@NonNull UserGroup>> memberships(@Source List<User> users) {
        return relations.children(users, "memberships", UserGroup.class);
    }

    @Description("The live groups the user is a live member of.")
    public List<@NonNull List<@NonNull Group>> groups(@Source List<User> users) {
        return relations.through(users, "memberships", UserGroup.class, "group", Group.class);
    }

    @Description("The user's live documents.")
    public List<@NonNull List<@NonNull UserDocument>> documents(@Source List<User> users) {
        return relations.children(users, "documents", UserDocument.class);
    }
}
