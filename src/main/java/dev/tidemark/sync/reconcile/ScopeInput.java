package dev.tidemark.sync.reconcile;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;

import dev.tidemark.sync.where.SyncedWhere;

/**
 * Base of a table's sync scope input: a where (declared by the subclass, typed for the table),
 * the rows the client holds unchanged, and its offline changes (declared by the subclass as a
 * list of the table's change input: the save input plus {@code baseVersion} and {@code deletedAt}).
 * The generated subclass hands both to the engine through {@link #where()} and {@link #changes()}.
 */
public abstract class ScopeInput {

    @Description("The client's name for this scope, echoed in the result.")
    public String id;

    @Description("Rows of this scope the client holds unchanged, each as \"<uid>:<version>\" "
            + "(compact on purpose: a scope may hold 100k rows).")
    public List<String> held;

    @Description("The same rows as held, as bucket checksums: base64 of 4 bytes per bucket (docs/protocol.md, \"Held digest\"). "
            + "Send held or heldDigest, not both. The result's refreshedBuckets then says which buckets to replace.")
    public String heldDigest;

    @Description("Asks for one page of the scope's live rows instead of a reconcile (a large scope's first sync): "
            + "at most this many rows, in uid order, after the uid given in after. A paged scope sends no held rows, "
            + "digest or changes; the result says whether more rows follow (more, nextAfter). See the README, \"Paged first sync\".")
    public Integer pageSize;

    @Description("With pageSize: the uid the previous page ended at (its nextAfter); null for the first page.")
    public String after;

    @Description("The stamp of this scope's last sync result (its stamp), to answer this reconnect from the change log: only "
            + "what changed since. Send the rows you hold (held or heldDigest) as well: the server compares the whole scope "
            + "when the log cannot answer (the result's fallback says why). Null: compare the whole scope. "
            + "See docs/protocol.md, \"Reconnect from the change log\".")
    public String stamp;

    @Description("With a stamp: true to compare the whole scope anyway (a client checking its replica). Default false.")
    public Boolean verify;

    /** The scope's where; null for every row. */
    public abstract SyncedWhere where();

    /** The client's offline changes; null for none. */
    public abstract List<? extends ChangeInput> changes();
}
