package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** The row is a tombstone and cannot be changed. */
@ErrorCode("ROW_DELETED")
public class RowDeletedException extends SyncInputException {

    public RowDeletedException(String field, String message) {
        super(field, message);
    }
}
