package dev.tidemark.demo.api;

import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.tidemark.demo.api.GroupApi.GroupScope;
import dev.tidemark.demo.api.GroupApi.GroupScopeResult;
import dev.tidemark.demo.api.UserApi.UserScope;
import dev.tidemark.demo.api.UserApi.UserScopeResult;
import dev.tidemark.demo.api.UserDocumentApi.UserDocumentScope;
import dev.tidemark.demo.api.UserDocumentApi.UserDocumentScopeResult;
import dev.tidemark.demo.api.UserDocumentEventApi.UserDocumentEventScope;
import dev.tidemark.demo.api.UserDocumentEventApi.UserDocumentEventScopeResult;
import dev.tidemark.demo.api.UserGroupApi.UserGroupScope;
import dev.tidemark.demo.api.UserGroupApi.UserGroupScopeResult;
import dev.tidemark.demo.model.Group;
import dev.tidemark.demo.model.User;
import dev.tidemark.demo.model.UserDocument;
import dev.tidemark.demo.model.UserDocumentEvent;
import dev.tidemark.demo.model.UserGroup;
import dev.tidemark.sync.reconcile.SyncOutcome;
import dev.tidemark.sync.reconcile.SyncPlan;
import dev.tidemark.sync.reconcile.SyncRequests;
import dev.tidemark.sync.reconcile.SyncService;

/** The {@code sync} mutation for the demo's tables: every scope of a client in one call. */
@GraphQLApi
public class SyncApi {

    @Input("SyncInput")
    @Description("Everything a client holds and changed, per table and scope, after a disconnection.")
    public static class SyncInput {
        @NonNull
        @Description("Client-made id of this sync (a UUID). Retry a sync whose answer was lost with the same id.")
        public String syncId;
        @Description("The cursor of the client's last sync result or event; null for a first sync.")
        public String cutoff;
        public List<@NonNull UserScope> users;
        public List<@NonNull GroupScope> groups;
        public List<@NonNull UserGroupScope> userGroups;
        public List<@NonNull UserDocumentScope> userDocuments;
        public List<@NonNull UserDocumentEventScope> userDocumentEvents;
    }

    @Type("SyncResult")
    @Description("What the client must change, per scope in the order sent, and its next cursor.")
    public static class SyncResult {
        @NonNull
        public String syncId;
        @NonNull
        @Description("Send it back as cutoff next time; events with an older cursor are already reflected.")
        public String cursor;
        @NonNull
        @Description("True when this sync id was seen before: nothing was applied again, the outcome is the stored one.")
        public Boolean replayed;
        public @NonNull List<@NonNull UserScopeResult> users;
        public @NonNull List<@NonNull GroupScopeResult> groups;
        public @NonNull List<@NonNull UserGroupScopeResult> userGroups;
        public @NonNull List<@NonNull UserDocumentScopeResult> userDocuments;
        public @NonNull List<@NonNull UserDocumentEventScopeResult> userDocumentEvents;
    }

    @Inject
    SyncRequests requests;

    @Inject
    SyncService service;

    @Mutation
    @Description("Reconciles the client's cached scopes with the server in one transaction: applies its offline "
            + "changes and returns what it must store and drop so that both hold the same rows.")
    public @NonNull SyncResult sync(@NonNull SyncInput input) {
        SyncPlan plan = requests.plan(input.syncId, input.cutoff)
                .add(User.class, "input.users", input.users)
                .add(Group.class, "input.groups", input.groups)
                .add(UserGroup.class, "input.userGroups", input.userGroups)
                .add(UserDocument.class, "input.userDocuments", input.userDocuments)
                .add(UserDocumentEvent.class, "input.userDocumentEvents", input.userDocumentEvents);
        SyncOutcome outcome = service.sync(plan.request());
        SyncResult result = new SyncResult();
        result.syncId = outcome.syncId();
        result.cursor = outcome.cursor().encode();
        result.replayed = outcome.replayed();
        result.users = plan.results(outcome, User.class, UserScopeResult::new);
        result.groups = plan.results(outcome, Group.class, GroupScopeResult::new);
        result.userGroups = plan.results(outcome, UserGroup.class, UserGroupScopeResult::new);
        result.userDocuments = plan.results(outcome, UserDocument.class, UserDocumentScopeResult::new);
        result.userDocumentEvents = plan.results(outcome, UserDocumentEvent.class, UserDocumentEventScopeResult::new);
        return result;
    }
}
