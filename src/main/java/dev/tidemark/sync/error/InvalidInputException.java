package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** The input is malformed: unknown or wrongly typed value, invalid UUID, missing required field. */
@ErrorCode("BAD_USER_INPUT")
public class InvalidInputException extends SyncInputException {

    public InvalidInputException(String field, String message) {
        super(field, message);
    }
}
