package dev.tidemark.sync.error;

import java.util.IdentityHashMap;
import java.util.Map;

import jakarta.enterprise.context.ContextNotActiveException;

import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.http.HttpServerResponse;

/**
 * Recognises an HTTP operation that failed because its client hung up: Quarkus ends the request's
 * CDI context when the connection closes, and an operation still running then fails on its next
 * request-scoped lookup. Such a failure is nobody's bug and has nobody to answer; it is logged
 * briefly, never as an internal error. Each {@code /graphql} request's response is kept in its
 * Vert.x context (which outlives the CDI one) so that the failure can be checked against it.
 */
public final class ClientGone {

    private static final String RESPONSE = "tidemark.http.response";

    private ClientGone() {
    }

    /** Called by the first handler of each {@code /graphql} request, on the request's own context. */
    public static void remember(HttpServerResponse response) {
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(RESPONSE, response);
        }
    }

    /** True when {@code failure} comes from a request context ended early and this request's client is gone. */
    public static boolean caused(Throwable failure) {
        if (!VertxContext.isOnDuplicatedContext() || !endedContext(failure)) {
            return false;
        }
        HttpServerResponse response = ContextLocals.<HttpServerResponse> get(RESPONSE).orElse(null);
        return response != null && response.closed();
    }

    private static boolean endedContext(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof ContextNotActiveException) {
                return true;
            }
        }
        return false;
    }
}
