package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** A live row references a parent that is a tombstone (invariant I6). */
@ErrorCode("PARENT_DELETED")
public class ParentDeletedException extends SyncInputException {

    public ParentDeletedException(String field, String message) {
        super(field, message);
    }
}
