package dev.tidemark.sync.realtime;

import org.eclipse.microprofile.graphql.Description;

/** What a realtime event tells the subscriber to do with the row it names. */
@Description("What a change event asks the client to do.")
public enum ChangeOperation {
    @Description("The subscription is live: every change committed from now on will be delivered. Run your sync now.")
    READY,
    @Description("Store the row (created, changed, or moved into the scope); skip it if you hold a newer version.")
    UPSERT,
    @Description("The row is now a tombstone: store it (it carries deletedAt) or drop it.")
    DELETE,
    @Description("The row no longer matches the where: drop it from this scope (row is null, uid and version are set).")
    LEAVE_SCOPE,
    @Description("Rows may have moved into or out of the scope in a way the server does not send row by row: run a sync for this where.")
    RESYNC
}
