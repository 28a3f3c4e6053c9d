package dev.tidemark.sync.reconcile;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.tidemark.sync.write.SyncReason;

/** A client change that was not applied as sent, with the reason. */
@Type("SyncRejection")
@Description("A client change that was refused or lost a conflict. The row to keep, if any, is in upserts; else its uid is in drops.")
public class SyncRejection {
    @NonNull
    public String uid;
    @NonNull
    public SyncReason reason;
    @Description("The input path the reason is about, when it is one field.")
    public String field;
    @NonNull
    public String message;

    public SyncRejection() {
    }

    public SyncRejection(String uid, SyncReason reason, String field, String message) {
        this.uid = uid;
        this.reason = reason;
        this.field = field;
        this.message = message;
    }
}
