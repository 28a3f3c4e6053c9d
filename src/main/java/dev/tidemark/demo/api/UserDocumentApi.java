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

import dev.tidemark.demo.model.User;
import dev.tidemark.demo.model.UserDocument;
import dev.tidemark.demo.model.UserDocumentEvent;
import dev.tidemark.sync.api.TableApi;
import dev.tidemark.sync.reconcile.ScopeInput;
import dev.tidemark.sync.reconcile.ScopeResult;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.where.StringFilter;
import dev.tidemark.sync.where.SyncedWhere;
import dev.tidemark.sync.where.UuidFilter;
import dev.tidemark.sync.write.SyncedInput;

/** GraphQL API of {@link UserDocument}. */
@GraphQLApi
public class UserDocumentApi extends TableApi {

    @Input("UserDocumentWhere")
    @Description("Which documents: conditions on columns and relations; all given fields must hold.")
    public static class UserDocumentWhere extends SyncedWhere {
        public UuidFilter userUid;
        public StringFilter title;
        @Description("The document's owner matches.")
        public UserApi.UserWhere user;
        @Description("Documents with some / no live event matching.")
        public UserDocumentEventApi.UserDocumentEventListWhere events;
        public List<UserDocumentWhere> and;
        public List<UserDocumentWhere> or;
        public UserDocumentWhere not;
    }

    @Input("UserDocumentListWhere")
    @Description("A condition on a list of related documents (live ones only).")
    public static class UserDocumentListWhere {
        public UserDocumentWhere some;
        public UserDocumentWhere none;
    }

    @Input("UserDocumentInput")
    public static class UserDocumentInput extends SyncedInput {
        @NonNull
        public String userUid;
        @NonNull
        public String title;
    }

    @Input("UserDocumentChangeInput")
    @Description("A UserDocument changed offline: its new values, the version they were based on, its tombstone if deleted.")
    public static class UserDocumentChange extends UserDocumentInput {
        @Description("The version the change was based on; null for a row created offline.")
        public Long baseVersion;
        @Description("When the client deleted the row offline; null if it did not.")
        public OffsetDateTime deletedAt;
    }

    @Input("UserDocumentScopeInput")
    @Description("One UserDocument scope of a sync: its where, the rows the client holds, and its offline changes.")
    public static class UserDocumentScope extends ScopeInput {
        public UserDocumentWhere where;
        public List<UserDocumentChange> changes;
    }

    @Type("UserDocumentScopeResult")
    @Description("What the client must do for one UserDocument scope.")
    public static class UserDocumentScopeResult extends ScopeResult {
        @NonNull
        @Description("Rows to store (replacing the cached copy), tombstones included.")
        public List<@NonNull UserDocument> upserts;
    }

    @Query
    @Description("Documents matching the where (all when absent); tombstones only with includeDeleted.")
    public @NonNull List<@NonNull UserDocument> userDocuments(UserDocumentWhere where,
            @DefaultValue("false") boolean includeDeleted) {
        return queries.list(UserDocument.class, where, includeDeleted);
    }

    @Mutation
    @Description("Creates or updates a document; refused when its owner is missing or deleted.")
    public @NonNull UserDocument saveUserDocument(@NonNull UserDocumentInput input) {
        return writes.save(UserDocument.class, input);
    }

    @Mutation
    @Description("Deletes (tombstones) the document.")
    public @NonNull UserDocument deleteUserDocument(@NonNull String uid) {
        return writes.delete(UserDocument.class, uid);
    }

    @Subscription
    @Description("Changes of documents matching the where, from commit order: READY first, then UPSERT, DELETE, LEAVE_SCOPE or RESYNC.")
    public Multi<ChangeEvent<UserDocument>> userDocumentChanged(UserDocumentWhere where) {
        return hub.subscribe(UserDocument.class, where);
    }

    @Description("The owner (even if deleted).")
    public List<User> user(@Source List<UserDocument> documents) {
        return relations.parents(documents, "user", User.class);
    }

    @Description("The document's live events, oldest first.")
    public List<@NonNull List<@NonNull UserDocumentEvent>> events(@Source List<UserDocument> documents) {
        return relations.children(documents, "events", UserDocumentEvent.class);
    }
}
