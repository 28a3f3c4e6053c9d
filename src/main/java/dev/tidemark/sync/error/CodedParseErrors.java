package dev.tidemark.sync.error;

import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.ExecutionResultImpl;
import graphql.GraphqlErrorBuilder;
import graphql.parser.InvalidSyntaxException;
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

    /** The code of a request whose members have the wrong JSON types. */
    static final String BAD_REQUEST = "BAD_REQUEST";

    private final ExecutionService smallRye;
    private final LimitRefusals refusals;

    CodedParseErrors(ExecutionService smallRye, GraphQLSchema graphQLSchema, Schema schema, LimitRefusals refusals) {
        super(graphQLSchema, schema);
        this.smallRye = smallRye;
        this.refusals = refusals;
    }

    @Override
    public void execute(JsonObject request, Map<String, Object> metadata, ExecutionResponseWriter writer, boolean async) {
        String member = misshapen(request);
        if (member != null) {
            // SmallRye casts these members without looking: a list of variables was an HTTP 500 and a Java class name
            writer.write(new ExecutionResponse(ExecutionResultImpl.newExecutionResult().addError(GraphqlErrorBuilder.newError()
                    .message("the request's '" + member + "' must be " + (member.equals("operationName") ? "a string" : "a JSON object")
                            + " or null")
                    .extensions(Map.of("code", BAD_REQUEST, "field", member)).build()).build()));
            return;
        }
        smallRye.execute(request, metadata, new Writer(request, metadata, writer, refusals), async);
    }

    /** The member of the request whose JSON type SmallRye cannot take (variables or extensions not an object, operationName not a string), or null. */
    static String misshapen(JsonObject request) {
        if (request == null) {
            return null;
        }
        for (String member : new String[] { "variables", "extensions" }) {
            JsonValue value = request.get(member);
            if (value != null && value.getValueType() != JsonValue.ValueType.OBJECT && value.getValueType() != JsonValue.ValueType.NULL) {
                return member;
            }
        }
        JsonValue operationName = request.get("operationName");
        if (operationName != null && operationName.getValueType() != JsonValue.ValueType.STRING
                && operationName.getValueType() != JsonValue.ValueType.NULL) {
            return "operationName";
        }
        return null;
    }

    /**
     * Passes every answer on, but SmallRye's code-less one to an unparseable document becomes {@link ParseFailure}'s;
     * a document over the token limit is counted as that limit's refusal.
     */
    private record Writer(JsonObject request, Map<String, Object> metadata, ExecutionResponseWriter writer, LimitRefusals refusals)
            implements ExecutionResponseWriter {

        @Override
        public void write(ExecutionResponse response) {
            if (!ParseFailure.isUnparseable(response)) {
                writer.write(response);
                return;
            }
            InvalidSyntaxException failure = ParseFailure.failure(document(request));
            if (ParseFailure.overTokenLimit(failure)) {
                refusals.refused(LimitRefusals.Limit.PARSER_MAX_TOKENS,
                        LimitRefusals.transport(metadata == null ? null : metadata.get(LimitRefusals.TRANSPORT_KEY)));
            }
            writer.write(ParseFailure.answer(failure));
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
