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

/** GraphQL API of {@link UserDocumentEvent}. */
@GraphQLApi
public class UserDocumentEventApi extends TableApi {

    @Input("UserDocumentEventWhere")
    @Description("Which document events: conditions on columns and relations; all given fields must hold.")
    public static class UserDocumentEventWhere extends SyncedWhere {
        public UuidFilter documentUid;
        public StringFilter kind;
        public StringFilter payload;
        @Description("The event's document matches, e.g. {document: {userUid: {eq: $user}}}.")
        public UserDocumentApi.UserDocumentWhere document;
        public List<UserDocumentEventWhere> and;
        public List<UserDocumentEventWhere> or;
        public UserDocumentEventWhere not;
    }

    @Input("UserDocumentEventListWhere")
    @Description("A condition on a list of related document events (live ones only).")
    public static class UserDocumentEventListWhere {
        public UserDocumentEventWhere some;
        public UserDocumentEventWhere none;
    }

    @Input("UserDocumentEventInput")
    public static class UserDocumentEventInput extends SyncedInput {
        @NonNull
        public String documentUid;
        @NonNull
        public String kind;
        public String payload;
    }

    @Input("UserDocumentEventChangeInput")
    @Description("A UserDocumentEvent changed offline: its new values, the version they were based on, its tombstone if deleted.")
    public static class UserDocumentEventChange extends UserDocumentEventInput {
        @Description("The version the change was based on; null for a row created offline.")
        public Long baseVersion;
        @Description("When the client deleted the row offline; null if it did not.")
        public OffsetDateTime deletedAt;
    }

    @Input("UserDocumentEventScopeInput")
    @Description("One UserDocumentEvent scope of a sync: its where, the rows the client holds, and its offline changes.")
    public static class UserDocumentEventScope extends ScopeInput {
        public UserDocumentEventWhere where;
        public List<UserDocumentEventChange> changes;
    }

    @Type("UserDocumentEventScopeResult")
    @Description("What the client must do for one UserDocumentEvent scope.")
    public static class UserDocumentEventScopeResult extends ScopeResult {
        @NonNull
        @Description("Rows to store (replacing the cached copy), tombstones included.")
        public List<@NonNull UserDocumentEvent> upserts;
    }

    @Query
    @Description("Document events matching the where (all when absent); tombstones only with includeDeleted.")
    public @NonNull List<@NonNull UserDocumentEvent> userDocumentEvents(UserDocumentEventWhere where,
            @DefaultValue("false") boolean includeDeleted) {
        return queries.list(UserDocumentEvent.class, where, includeDeleted);
    }

    @Mutation
    @Description("Creates or updates a document event; refused when its document is missing or deleted.")
    public @NonNull UserDocumentEvent saveUserDocumentEvent(@NonNull UserDocumentEventInput input) {
        return writes.save(UserDocumentEvent.class, input);
    }

    @Mutation
    @Description("Deletes (tombstones) the document event.")
    public @NonNull UserDocumentEvent deleteUserDocumentEvent(@NonNull String uid) {
        return writes.delete(UserDocumentEvent.class, uid);
    }

    @Subscription
    @Description("Changes of document events matching the where, from commit order: READY first, then UPSERT, DELETE, LEAVE_SCOPE or RESYNC.")
    public Multi<ChangeEvent<UserDocumentEvent>> userDocumentEventChanged(UserDocumentEventWhere where) {
        return hub.subscribe(UserDocumentEvent.class, where);
    }

    @Description("The event's document (even if deleted).")
    public List<UserDocument> document(@Source List<UserDocumentEvent> events) {
        return relations.parents(events, "document", UserDocument.class);
    }
}
