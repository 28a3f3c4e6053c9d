package dev.tidemark.sync.reconcile;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;

/**
 * Why a scope was answered by comparing the whole scope rather than from the change log
 * (docs/protocol.md, "Reconnect from the change log"). Every reason gives the same rows; it is a
 * diagnostic, not an error.
 */
@Enum("SyncFallbackReason")
@Description("Why a scope was compared whole instead of answered from the change log: NO_STAMP (none sent), "
        + "UNVERSIONED_STAMP (a stamp of the old format, without a database incarnation), VERIFY_REQUESTED (verify: true), "
        + "DISABLED (tidemark.sync.log-reconnect=false), OTHER_DATABASE (the stamp is from another database or from before "
        + "a crash recovery, restore or failover), OTHER_SCOPE (the stamp is of another where, row policy or identity), "
        + "TOO_OLD (older than the change log's retention), LOG_PRUNED (log entries since the stamp were deleted), "
        + "TOMBSTONES_PURGED (tombstones of the table were purged since the stamp), RELATED_CHANGE (a table two or more "
        + "relations away changed: the log cannot tell which rows moved), TOO_MANY_CHANGES (more log entries or candidate "
        + "rows than tidemark.sync.log-reconnect-max-changes).")
public enum FallbackReason {
    NO_STAMP,
    UNVERSIONED_STAMP,
    VERIFY_REQUESTED,
    DISABLED,
    OTHER_DATABASE,
    OTHER_SCOPE,
    TOO_OLD,
    LOG_PRUNED,
    TOMBSTONES_PURGED,
    RELATED_CHANGE,
    TOO_MANY_CHANGES
}
