package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** The row named by a uid does not exist. */
@ErrorCode("NOT_FOUND")
public class NotFoundException extends SyncInputException {

    public NotFoundException(String field, String message) {
        super(field, message);
    }
}
