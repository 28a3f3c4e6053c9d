package dev.tidemark.sync.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.cursor.SyncCursor;
import dev.tidemark.sync.entity.SyncedEntity;

/**
 * Assembles one {@link SyncRequest} from an app's per-table scope lists, and splits the outcome
 * back into the app's per-table result types (subclasses of {@link ScopeResult}, generated per table).
 */
public final class SyncPlan {

    private final SyncRequests requests;
    private final String syncId;
    private final SyncCursor cutoff;
    private final Identity identity;
    private final List<ScopeRequest> scopes = new ArrayList<>();
    private final List<Class<?>> owners = new ArrayList<>();

    SyncPlan(SyncRequests requests, String syncId, SyncCursor cutoff, Identity identity) {
        this.requests = requests;
        this.syncId = syncId;
        this.cutoff = cutoff;
        this.identity = identity;
    }

    /** Adds a table's scopes, as sent at {@code path} of the input. */
    public SyncPlan add(Class<? extends SyncedEntity> type, String path, List<? extends ScopeInput> inputs) {
        for (ScopeRequest scope : requests.scopes(type, path, inputs, identity)) {
            scopes.add(scope);
            owners.add(type);
        }
        return this;
    }

    public SyncRequest request() {
        return new SyncRequest(syncId, cutoff, identity, List.copyOf(scopes));
    }

    /** The outcomes of {@code type}'s scopes, in the order they were added, as the app's result type. */
    public <R extends ScopeResult> List<R> results(SyncOutcome outcome, Class<? extends SyncedEntity> type, Supplier<R> factory) {
        List<R> results = new ArrayList<>();
        for (int i = 0; i < owners.size(); i++) {
            if (owners.get(i) == type) {
                ScopeOutcome scope = outcome.scopes().get(i);
                R result = factory.get();
                result.fill(scope);
                results.add(result);
            }
        }
        return results;
    }
}
