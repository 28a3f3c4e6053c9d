package dev.tidemark.sync.realtime;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import dev.tidemark.sync.entity.SyncedEntity;

/**
 * One realtime event for one subscription: the operation, the row it is about and the cursor the
 * client stores as its next sync cutoff.
 *
 * @param <T> the synced entity
 */
@Description("A change of a row in the subscription's scope.")
public class ChangeEvent<T extends SyncedEntity> {

    @NonNull
    public ChangeOperation operation;

    @Description("Uid of the row (null for READY and RESYNC).")
    public String uid;

    @Description("Version of the row; apply the event only if it is newer than the version you hold (null for READY and RESYNC).")
    public Long version;

    @Description("The full row for UPSERT and DELETE; null for LEAVE_SCOPE (the row is outside your scope now), READY and RESYNC.")
    public T row;

    @NonNull
    @Description("Opaque cursor: send it as the cutoff of your next sync.")
    public String cursor;

    public ChangeEvent() {
    }

    private ChangeEvent(ChangeOperation operation, T row, String uid, Long version, String cursor) {
        this.operation = operation;
        this.row = row;
        this.uid = uid;
        this.version = version;
        this.cursor = cursor;
    }

    /** An event carrying the whole row (UPSERT, DELETE). */
    public static <T extends SyncedEntity> ChangeEvent<T> of(ChangeOperation operation, T row, String cursor) {
        return new ChangeEvent<>(operation, row, row.uid.toString(), row.version, cursor);
    }

    /** An event about no row: READY, RESYNC. */
    public static <T extends SyncedEntity> ChangeEvent<T> signal(ChangeOperation operation, String cursor) {
        return new ChangeEvent<>(operation, null, null, null, cursor);
    }

    /** An event naming a row without carrying it (LEAVE_SCOPE: the row is outside the scope now). */
    public static <T extends SyncedEntity> ChangeEvent<T> without(ChangeOperation operation, SyncedEntity row, String cursor) {
        return new ChangeEvent<>(operation, null, row.uid.toString(), row.version, cursor);
    }
}
