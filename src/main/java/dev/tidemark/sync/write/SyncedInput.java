package dev.tidemark.sync.write;

import java.time.OffsetDateTime;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

/**
 * Base of every table's save-input: the client-made uid and the client's timestamps. A table's
 * input adds its own columns under the entity's field names (foreign keys as UUID strings).
 * Server-managed columns ({@code version}, {@code deletedAt}) are never taken from input.
 */
public abstract class SyncedInput {

    @NonNull
    @Description("The row's uid, made by the client (UUID). Saving an existing uid updates that row.")
    public String uid;

    @Description("When the client created the row; defaults to now, clamped to server time. Ignored on update.")
    public OffsetDateTime createdAt;

    @Description("When the client changed the row; defaults to now, clamped to server time.")
    public OffsetDateTime updatedAt;
}
