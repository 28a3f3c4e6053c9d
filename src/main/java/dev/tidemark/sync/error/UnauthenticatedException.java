package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** The request carries no valid identity: no bearer token while anonymous access is off, or a token the server cannot use. */
@ErrorCode("UNAUTHENTICATED")
public class UnauthenticatedException extends SyncInputException {

    public UnauthenticatedException(String message) {
        super(null, message);
    }
}
