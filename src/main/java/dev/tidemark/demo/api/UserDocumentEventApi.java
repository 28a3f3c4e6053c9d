package dev.tidemark.demo.api;

import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import io.smallrye.graphql.api.Subscription;
import io.smallrye.mutiny.Multi;

import dev.tidemark.demo.model.UserDocument;
import dev.tidemark.demo.model.UserDocumentEvent;
import dev.tidemark.sync.query.RelationLoader;
import dev.tidemark.sync.query.SyncQueryService;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.realtime.SubscriptionHub;
import dev.tidemark.sync.where.StringFilter;
import dev.tidemark.sync.where.SyncedWhere;
import dev.tidemark.sync.where.UuidFilter;
import dev.tidemark.sync.write.SyncWriteService;
import dev.tidemark.sync.write.SyncedInput;

/** GraphQL API of {@link UserDocumentEvent}. */
@GraphQLApi
public class UserDocumentEventApi {

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

    @Inject
    SyncQueryService queries;

    @Inject
    SyncWriteService writes;

    @Inject
    RelationLoader relations;

    @Inject
    SubscriptionHub hub;

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
