package dev.tidemark.sync.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import graphql.ExceptionWhileDataFetching;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQLError;
import graphql.execution.ResultPath;
import graphql.language.SourceLocation;

/**
 * The mapping of failures no code was written for: a database that cannot be reached (whatever
 * wrapped the driver's exception) is {@code SERVICE_UNAVAILABLE} with a retry hint, anything else
 * {@code INTERNAL} with an error id that the log carries with the exception; coded client errors
 * pass unchanged. (The real thing, on a stopped PostgreSQL: {@code DatabaseOutageIT}.)
 */
class ServerErrorInstrumentationTest {

    final ServerErrorInstrumentation instrumentation = new ServerErrorInstrumentation(7);

    static ExceptionWhileDataFetching failure(Throwable exception) {
        return new ExceptionWhileDataFetching(ResultPath.parse("/sync"), exception, new SourceLocation(1, 3));
    }

    Map<String, Object> extensionsOf(Throwable exception) throws Exception {
        ExecutionResult result = instrumentation.instrumentExecutionResult(
                ExecutionResultImpl.newExecutionResult().addError(failure(exception)).build(), null, null).get();
        GraphQLError error = result.getErrors().get(0);
        assertEquals(List.of("sync"), error.getPath());
        return error.getExtensions();
    }

    @Test
    void shouldAnswerServiceUnavailableWhateverWrappedTheConnectionFailure() throws Exception {
        SQLException refused = new SQLException("Connection to localhost:5432 refused", "08001");
        for (Throwable failure : List.of(refused, new RuntimeException("JDBC exception", new IllegalStateException(refused)),
                new SQLException("Acquisition timeout while waiting for new connection"),
                new RuntimeException(new SQLException("terminating connection due to administrator command", "57P01")),
                new java.sql.SQLTransientConnectionException("pool"),
                new RuntimeException("Unable to acquire JDBC Connection [Something unusual has occurred]",
                        new SQLException("Something unusual has occurred", "XX000", new RuntimeException("Interrupted while attempting to connect."))),
                new RuntimeException(new java.net.SocketTimeoutException("Read timed out")))) {
            Map<String, Object> extensions = extensionsOf(failure);
            assertEquals("SERVICE_UNAVAILABLE", extensions.get("code"), failure::toString);
            assertEquals(7L, extensions.get("retryAfterSeconds"));
        }
        assertFalse(DatabaseUnavailable.is(new SQLException("duplicate key", "23505")), "a constraint is no outage");
    }

    /** Found by the web client's fault test: a commit cut off by a PostgreSQL crash answered INTERNAL. */
    @Test
    void shouldAnswerServiceUnavailableForACommitCutOffByTheDatabasesLoss() throws Exception {
        // What Narayana throws then: the driver's error is suppressed in the RollbackException, not its cause.
        Exception commit = new Exception("ARJUNA016053: Could not commit transaction.");
        commit.addSuppressed(new SQLException("An I/O error occurred while sending to the backend.", "08006",
                new java.io.EOFException()));
        Map<String, Object> extensions = extensionsOf(new RuntimeException("Error invoking subclass method", commit));
        assertEquals("SERVICE_UNAVAILABLE", extensions.get("code"));
    }

    @Test
    void shouldAnswerInternalWithAnErrorIdThatIsLogged() throws Exception {
        List<LogRecord> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ServerErrorInstrumentation.class.getName());
        logger.addHandler(handler);
        try {
            NullPointerException bug = new NullPointerException("a bug");
            Map<String, Object> extensions = extensionsOf(bug);
            assertEquals("INTERNAL", extensions.get("code"));
            String errorId = (String) extensions.get("errorId");
            assertTrue(logged.stream().anyMatch(r -> String.valueOf(r.getMessage()).contains(errorId)
                    || (r.getParameters() != null && List.of(r.getParameters()).contains(errorId))), "the id is logged");
            assertTrue(logged.stream().anyMatch(r -> r.getThrown() == bug), "with the exception");
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void shouldKeepCodedClientErrorsAndTheResultWithoutUncodedOnes() throws Exception {
        ExecutionResult coded = ExecutionResultImpl.newExecutionResult().addError(failure(new InvalidInputException("where", "bad")))
                .build();
        assertSame(coded, instrumentation.instrumentExecutionResult(coded, null, null).get());
    }
}
