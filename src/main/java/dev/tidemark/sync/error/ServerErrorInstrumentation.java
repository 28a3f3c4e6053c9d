package dev.tidemark.sync.error;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jboss.logging.Logger;

import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.ExceptionWhileDataFetching;

/**
 * Gives every failure that no code was written for a code a client can act on, instead of
 * SmallRye's "System error" with a code made from the exception's class name
 * ({@code j-d-b-c-connection}): a database that cannot be reached answers
 * {@code SERVICE_UNAVAILABLE} with {@code retryAfterSeconds}, an operation whose client hung up
 * {@code CLIENT_GONE} (logged briefly: see {@link ClientGone}), anything else {@code INTERNAL} with an
 * {@code errorId} that is logged with the exception. Errors of exceptions that carry SmallRye's
 * {@code @ErrorCode} (the engine's client errors) pass unchanged, as do validation errors.
 */
public class ServerErrorInstrumentation extends SimplePerformantInstrumentation {

    private static final Logger LOG = Logger.getLogger(ServerErrorInstrumentation.class);
    static final String SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
    static final String INTERNAL = "INTERNAL";
    /** Never received by anyone (the connection is closed): it keeps such failures out of the INTERNAL ones. */
    static final String CLIENT_GONE = "CLIENT_GONE";
    private static final String ERROR_CODE_ANNOTATION = "io.smallrye.graphql.api.ErrorCode";

    private final long retryAfterSeconds;

    public ServerErrorInstrumentation(long retryAfterSeconds) {
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    @Override
    public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
            InstrumentationExecutionParameters parameters, InstrumentationState state) {
        List<GraphQLError> errors = result.getErrors();
        if (errors.stream().noneMatch(ServerErrorInstrumentation::uncoded)) {
            return CompletableFuture.completedFuture(result);
        }
        List<GraphQLError> mapped = new ArrayList<>(errors.size());
        for (GraphQLError error : errors) {
            mapped.add(uncoded(error) ? coded((ExceptionWhileDataFetching) error) : error);
        }
        return CompletableFuture.completedFuture(ExecutionResultImpl.newExecutionResult().from(result).errors(mapped).build());
    }

    /** A data fetcher failed with an exception that has no {@code @ErrorCode}. */
    static boolean uncoded(GraphQLError error) {
        return error instanceof ExceptionWhileDataFetching failure && !hasErrorCode(unwrap(failure.getException()));
    }

    private GraphQLError coded(ExceptionWhileDataFetching error) {
        Throwable failure = unwrap(error.getException());
        Map<String, Object> extensions = new LinkedHashMap<>();
        String message;
        if (DatabaseUnavailable.is(failure)) {
            extensions.put("code", SERVICE_UNAVAILABLE);
            extensions.put("retryAfterSeconds", retryAfterSeconds);
            message = "The database is unavailable; retry in " + retryAfterSeconds + " s";
            LOG.warnf("Database unavailable for %s: %s", error.getPath(), rootMessage(failure));
        } else if (ClientGone.caused(failure)) {
            extensions.put("code", CLIENT_GONE);
            message = "The client closed the connection before the operation ended; nothing was answered";
            LOG.infof("Client gone during %s: the connection closed before the operation ended (%s)", error.getPath(),
                    rootMessage(failure));
        } else {
            String errorId = UUID.randomUUID().toString();
            extensions.put("code", INTERNAL);
            extensions.put("errorId", errorId);
            message = "Internal server error (error id " + errorId + "): report the id to the operator";
            LOG.errorf(failure, "Internal server error, error id %s, at %s", errorId, error.getPath());
        }
        return GraphqlErrorBuilder.newError().message(message).locations(error.getLocations()).path(error.getPath())
                .errorType(ErrorType.DataFetchingException).extensions(extensions).build();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** By name: SmallRye may load this class with another class loader than the annotation's (dev mode, tests). */
    private static boolean hasErrorCode(Throwable failure) {
        for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
            for (var annotation : c.getDeclaredAnnotations()) {
                if (annotation.annotationType().getName().equals(ERROR_CODE_ANNOTATION)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getName() + ": " + root.getMessage();
    }
}
