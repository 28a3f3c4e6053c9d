package dev.tidemark.sync.reconcile;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;

/** How the server answered a scope of a sync (docs/protocol.md, "Reconnect from the change log"). */
@Enum("SyncAnswerSource")
@Description("How the server answered a scope: from the change log since the scope's stamp, by comparing the whole scope, "
        + "or as a page of a paged first sync.")
public enum AnswerSource {
    CHANGE_LOG,
    COMPARISON,
    PAGE
}
