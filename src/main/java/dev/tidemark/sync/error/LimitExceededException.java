package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** The request is over a configured limit (where depth, in-list size, rows per query). */
@ErrorCode("LIMIT_EXCEEDED")
public class LimitExceededException extends SyncInputException {

    public LimitExceededException(String field, String message) {
        super(field, message);
    }
}
