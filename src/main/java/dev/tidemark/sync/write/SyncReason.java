package dev.tidemark.sync.write;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;

/** Why a client change was not applied as sent. */
@Enum("SyncReason")
@Description("Why a client change was not applied as sent.")
public enum SyncReason {
    @Description("The row is gone from the server (deleted, then purged); drop it.")
    DELETED_ON_SERVER,
    @Description("The row was deleted on the server; deletes win over concurrent updates. The tombstone is sent back.")
    ROW_DELETED,
    @Description("A concurrent server change won by last-writer-wins on updatedAt; the server's row is sent back.")
    CONFLICT_LOST,
    @Description("The row is not in the scope it was sent in; a client writes only rows of its scopes.")
    OUT_OF_SCOPE,
    @Description("A row created offline uses a uid that already belongs to a row outside the client's scope.")
    UID_TAKEN,
    @Description("The row references a parent that is deleted (invariant I6).")
    PARENT_DELETED,
    @Description("The row references a parent that does not exist.")
    PARENT_NOT_FOUND,
    @Description("The row policy does not let you write these values (a membership of a group that is not yours).")
    FORBIDDEN
}
