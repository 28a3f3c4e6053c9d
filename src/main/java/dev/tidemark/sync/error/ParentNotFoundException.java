package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** A row references a parent uid that does not exist. */
@ErrorCode("PARENT_NOT_FOUND")
public class ParentNotFoundException extends SyncInputException {

    public ParentNotFoundException(String field, String message) {
        super(field, message);
    }
}
