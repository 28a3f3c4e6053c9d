package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** A sync id was sent again with different changes: ids must be unique per sync attempt's payload. */
@ErrorCode("SYNC_ID_REUSED")
public class SyncIdReusedException extends SyncInputException {

    public SyncIdReusedException(String field, String message) {
        super(field, message);
    }
}
