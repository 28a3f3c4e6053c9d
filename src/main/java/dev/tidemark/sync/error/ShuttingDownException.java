package dev.tidemark.sync.error;

import io.smallrye.graphql.api.ErrorCode;

/** This server instance is stopping: reconnect (to another instance) and subscribe there. */
@ErrorCode("SHUTTING_DOWN")
public class ShuttingDownException extends SyncInputException {

    public ShuttingDownException(String message) {
        super(null, message);
    }
}
