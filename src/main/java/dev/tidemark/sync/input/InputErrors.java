package dev.tidemark.sync.input;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import graphql.ErrorType;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.language.SourceLocation;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorType;

/**
 * Makes every validation and input coercion error a client gets carry a code, and for a refused
 * value also its path ({@code extensions.field}) and a sentence, never the whole input nor a Java
 * class: {@code where.createdAt.gt: 'yesterday' is not a DateTime: expected ...} with
 * {@code BAD_USER_INPUT}, instead of graphql-java's {@code argument 'where' with value
 * 'ObjectValue{...}'} or SmallRye's {@code Unknown Scalar Type [...UserApi$UserWhere]}.
 *
 * <p>It rewrites the result at {@code instrumentExecutionResult}, which sees every result, also
 * those of documents refused by validation or variables refused by coercion (and so over HTTP and
 * the WebSocket alike). A refused value is located by {@link InputProblems} by where graphql-java
 * reported it; other validation errors (unknown field, missing argument, ...) keep graphql-java's
 * message, which names schema elements only, and get {@code GRAPHQL_VALIDATION_FAILED}. Errors with
 * another code (the document limits' {@code LIMIT_EXCEEDED}) and resolver errors are left alone.
 */
public class InputErrors extends SimplePerformantInstrumentation {

    static final String BAD_USER_INPUT = "BAD_USER_INPUT";
    static final String VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED";

    private static final Set<ValidationErrorType> VALUE_ERRORS = Set.of(ValidationErrorType.WrongType,
            ValidationErrorType.NullValueForNonNullArgument, ValidationErrorType.BadValueForDefaultArg);

    @Override
    public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result, InstrumentationExecutionParameters parameters,
            InstrumentationState state) {
        if (result.getErrors().stream().noneMatch(InputErrors::ours)) {
            return CompletableFuture.completedFuture(result);
        }
        Explanation explanation = new Explanation(parameters.getSchema(), parameters.getExecutionInput());
        List<GraphQLError> errors = result.getErrors().stream().map(e -> ours(e) ? explanation.rewrite(e) : e).toList();
        return CompletableFuture.completedFuture(result.transform(builder -> builder.errors(errors)));
    }

    /** A validation or coercion error of graphql-java's (or a strict scalar's), not a resolver's nor a limit's. */
    static boolean ours(GraphQLError error) {
        Object code = error.getExtensions() == null ? null : error.getExtensions().get("code");
        return error.getErrorType() == ErrorType.ValidationError && (code == null || BAD_USER_INPUT.equals(code));
    }

    /** The problems of one request's input, found once, when the first error needs them. */
    private static final class Explanation {
        private final GraphQLSchema schema;
        private final ExecutionInput input;
        private InputProblems problems;

        Explanation(GraphQLSchema schema, ExecutionInput input) {
            this.schema = schema;
            this.input = input;
        }

        GraphQLError rewrite(GraphQLError error) {
            if (error instanceof ValidationError validation && !VALUE_ERRORS.contains(validation.getValidationErrorType())) {
                return ValidationError.newValidationError().validationErrorType(validation.getValidationErrorType())
                        .sourceLocations(validation.getLocations()).description(validation.getDescription())
                        .queryPath(validation.getQueryPath()).extensions(coded(validation.getExtensions(), VALIDATION_FAILED, null)).build();
            }
            SourceLocation at = error.getLocations() == null || error.getLocations().isEmpty() ? null : error.getLocations().get(0);
            InputProblems found = problems();
            InputProblems.Problem problem = found.problems().stream().filter(p -> same(p.anchor(), at)).findFirst()
                    .orElse(found.problems().isEmpty() ? null : found.problems().get(0));
            String field = problem != null ? problem.path() : at == null ? null : found.argumentAt(at);
            String sentence = problem != null ? problem.sentence()
                    : "this value is not valid here; check it against the schema (GraphiQL shows every input type)";
            return GraphqlErrorBuilder.newError().message((field == null ? "" : field + ": ") + sentence)
                    .locations(error.getLocations()).errorType(ErrorType.ValidationError)
                    .extensions(coded(Map.of(), BAD_USER_INPUT, field)).build();
        }

        private InputProblems problems() {
            if (problems == null) {
                Locale locale = input.getLocale() != null ? input.getLocale() : Locale.getDefault();
                try {
                    problems = InputProblems.find(schema, Parser.parse(input.getQuery()), input.getOperationName(),
                            input.getRawVariables().toMap(), input.getGraphQLContext(), locale);
                } catch (RuntimeException e) {
                    problems = InputProblems.none(); // the document parsed once already; nothing better to say then
                }
            }
            return problems;
        }

        private static boolean same(SourceLocation a, SourceLocation b) {
            return a != null && b != null && a.getLine() == b.getLine() && a.getColumn() == b.getColumn();
        }

        private static Map<String, Object> coded(Map<String, Object> extensions, String code, String field) {
            Map<String, Object> coded = new HashMap<>(extensions == null ? Map.of() : extensions);
            coded.put("code", code);
            if (field != null) {
                coded.put("field", field);
            }
            return coded;
        }
    }
}
