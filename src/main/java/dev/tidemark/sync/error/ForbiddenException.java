package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** The caller's row policy does not allow this write (a row it cannot see, or a value it may not write). */
@ErrorCode("FORBIDDEN")
public class ForbiddenException extends SyncInputException {

    public ForbiddenException(String field, String message) {
        super(field, message);
    }
}
