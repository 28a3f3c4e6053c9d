package dev.tidemark.sync.reconcile;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import dev.tidemark.sync.entity.SyncedEntity;

/**
 * Base of a table's sync scope result: what the client must do to hold exactly the server's rows
 * of the scope. The subclass declares {@code upserts}, typed for the table, and fills it in {@link #storeUpserts}.
 */
public abstract class ScopeResult {

    @Description("The client's name for the scope, as sent.")
    public String id;

    @NonNull
    @Description("Uids the client must remove from its cache: gone from the server, or no longer in this scope.")
    public List<@NonNull String> drops;

    @NonNull
    @Description("Uids of the client's changes that were applied (their new rows are in upserts).")
    public List<@NonNull String> applied;

    @NonNull
    @Description("The client's changes that were refused or lost a conflict, with reasons.")
    public List<@NonNull SyncRejection> rejected;

    @Description("Only when the scope was sent with heldDigest: the buckets that differed. Every row of them the "
            + "client may store is in upserts; the client drops the other rows it holds in these buckets.")
    public List<@NonNull Integer> refreshedBuckets;

    @NonNull
    @Description("Only for a paged scope: true when live rows follow this page (ask again with after = nextAfter).")
    public Boolean more;

    @Description("Only for a paged scope: the uid this page ended at, to send as after for the next page.")
    public String nextAfter;

    @Description("Only for the first page of a paged scope (after null): the scope's live rows when it was read.")
    public Integer total;

    @Description("Send it back as this scope's stamp on the next sync, with the same where (null for a page).")
    public String stamp;

    @NonNull
    @Description("How the server answered: CHANGE_LOG (what changed since the stamp), COMPARISON (the whole scope) or PAGE.")
    public AnswerSource source;

    @Description("Only when compared whole: why (NO_STAMP when none was sent). A diagnostic; the rows are the same either way.")
    public FallbackReason fallback;

    /** Fills the result from the engine's outcome. */
    public void fill(ScopeOutcome outcome) {
        storeUpserts(outcome.upserts());
        id = outcome.id();
        drops = outcome.drops().stream().map(Object::toString).toList();
        applied = outcome.applied().stream().map(Object::toString).toList();
        rejected = outcome.rejected();
        refreshedBuckets = outcome.refreshedBuckets();
        PageOutcome page = outcome.page();
        more = page != null && page.more();
        nextAfter = page == null || page.nextAfter() == null ? null : page.nextAfter().toString();
        total = page == null ? null : page.total();
        stamp = outcome.stamp();
        source = outcome.source();
        fallback = outcome.fallback();
    }

    /** Stores the rows to upsert in the subclass's field typed for its table (every row is of that table). */
    protected abstract void storeUpserts(List<? extends SyncedEntity> rows);
}
