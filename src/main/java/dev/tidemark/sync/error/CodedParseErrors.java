package dev.tidemark.sync.error;

import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import graphql.schema.GraphQLSchema;
import io.smallrye.graphql.execution.ExecutionResponse;
import io.smallrye.graphql.execution.ExecutionResponseWriter;
import io.smallrye.graphql.execution.ExecutionService;
import io.smallrye.graphql.schema.model.Schema;

/**
 * SmallRye's execution service with a coded answer to an unparseable document ({@link
 * ParseFailure}): every execution (HTTP through Quarkus' handler, the WebSocket endpoint's) is
 * delegated to SmallRye's own service, whose answer passes through here on its way to the writer.
 * Only {@code execute(request, metadata, writer, async)} is overridden: every other entry point of
 * {@code ExecutionService} ends there, and nothing of this instance's own state is used.
 */
final class CodedParseErrors extends ExecutionService {

    private final ExecutionService smallRye;

    CodedParseErrors(ExecutionService smallRye, GraphQLSchema graphQLSchema, Schema schema) {
        super(graphQLSchema, schema);
        this.smallRye = smallRye;
    }

    @Override
    public void execute(JsonObject request, Map<String, Object> metadata, ExecutionResponseWriter writer, boolean async) {
        smallRye.execute(request, metadata, new Writer(request, writer), async);
    }

    /** Passes every answer on, but SmallRye's code-less one to an unparseable document becomes {@link ParseFailure}'s. */
    private record Writer(JsonObject request, ExecutionResponseWriter writer) implements ExecutionResponseWriter {

        @Override
        public void write(ExecutionResponse response) {
            writer.write(ParseFailure.isUnparseable(response) ? ParseFailure.answer(document(request)) : response);
        }

        @Override
        public void fail(Throwable failure) {
            writer.fail(failure);
        }

        private static String document(JsonObject request) {
            JsonValue query = request == null ? null : request.get("query");
            return query instanceof JsonString text ? text.getString() : "";
        }
    }
}
