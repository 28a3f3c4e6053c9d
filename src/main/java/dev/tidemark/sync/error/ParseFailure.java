package dev.tidemark.sync.error;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQLError;
import graphql.ParseAndValidate;
import graphql.language.SourceLocation;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.exceptions.ParseCancelledException;
import graphql.parser.exceptions.ParseCancelledTooDeepException;
import graphql.parser.exceptions.ParseCancelledTooManyCharsException;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorClassification;
import io.smallrye.graphql.execution.ExecutionResponse;

/**
 * The answer to a document graphql-java cannot parse, with a code. SmallRye answers every such
 * document with the same code-less {@code Unparseable input document}: its {@code ExecutionService}
 * catches the parse failure and drops graphql-java's reason before any hook (eventing service,
 * instrumentation, error extension) runs. So the document is parsed again, on this failure path only
 * and with the same parser options (graphql-java's operation defaults, which
 * {@code GraphQLLimitsEventingService} limits), to say what was wrong and where: {@code
 * GRAPHQL_PARSE_FAILED}, graphql-java's sentence (offending token, line and column) or the parser
 * limit that stopped it, and the location. A {@link ValidationError}, because SmallRye prints the
 * extensions of validation errors only.
 */
public final class ParseFailure {

    public static final String CODE = "GRAPHQL_PARSE_FAILED";
    static final String SMALLRYE_MESSAGE = "Unparseable input document";
    static final String TOKENS_KEY = "quarkus.smallrye-graphql.parser-max-tokens";
    /** Characters of the client's own text a message repeats at most. */
    private static final int MAX_ECHO = 40;

    /** The {@code validationErrorType} of the answer. */
    enum Kind implements ValidationErrorClassification {
        InvalidSyntax
    }

    private ParseFailure() {
    }

    /** True for SmallRye's answer to an unparseable document: no data and one error, its fixed sentence. */
    public static boolean isUnparseable(ExecutionResponse response) {
        ExecutionResult result = response == null ? null : response.getExecutionResult();
        if (result == null || result.isDataPresent() || result.getErrors().size() != 1) {
            return false;
        }
        GraphQLError error = result.getErrors().get(0);
        return SMALLRYE_MESSAGE.equals(error.getMessage()) && (error.getExtensions() == null || !error.getExtensions().containsKey("code"));
    }

    /** Why {@code document}, which SmallRye could not parse, cannot be parsed (null if it can, after all). */
    public static InvalidSyntaxException failure(String document) {
        return ParseAndValidate.parse(ExecutionInput.newExecutionInput(document).build()).getSyntaxException();
    }

    /** True if parsing stopped at {@code quarkus.smallrye-graphql.parser-max-tokens}, as {@link #sentence} says so. */
    public static boolean overTokenLimit(InvalidSyntaxException failure) {
        return failure instanceof ParseCancelledException && !(failure instanceof ParseCancelledTooDeepException)
                && !(failure instanceof ParseCancelledTooManyCharsException);
    }

    /** The coded answer for {@code document}, which SmallRye could not parse. */
    public static ExecutionResponse answer(String document) {
        return answer(failure(document));
    }

    /** The coded answer to a document whose parse failed with {@code failure}. */
    public static ExecutionResponse answer(InvalidSyntaxException failure) {
        ValidationError.Builder error = ValidationError.newValidationError().validationErrorType(Kind.InvalidSyntax)
                .description(sentence(failure)).extensions(Map.of("code", CODE));
        if (failure != null && failure.getLocation() != null && failure.getLocation().getLine() > 0) {
            error.sourceLocations(List.of(new SourceLocation(failure.getLocation().getLine(), failure.getLocation().getColumn())));
        }
        return new ExecutionResponse(ExecutionResultImpl.newExecutionResult().addError(error.build()).build());
    }

    /** What was wrong, in graphql-java's words where they name no Java class, with the key of a parser limit. */
    static String sentence(InvalidSyntaxException failure) {
        if (failure == null) {
            return "the document could not be parsed as GraphQL";
        }
        String where = at(failure.getLocation());
        if (failure instanceof ParseCancelledTooDeepException) {
            return "the document is nested too deeply to be parsed (parsing stopped" + where + ")";
        }
        if (failure instanceof ParseCancelledTooManyCharsException) {
            return "the document has too many characters to be parsed (parsing stopped" + where + ")";
        }
        if (failure instanceof ParseCancelledException) {
            return "the document has more than " + maxTokens() + " tokens (" + TOKENS_KEY + "); parsing stopped" + where;
        }
        return "the document is not valid GraphQL: " + shortened(failure);
    }

    /** graphql-java's sentence with the client's offending token cut short (it may be a megabyte-long string). */
    private static String shortened(InvalidSyntaxException failure) {
        String message = String.valueOf(failure.getMessage());
        String token = failure.getOffendingToken();
        if (token != null && token.length() > MAX_ECHO) {
            message = message.replace(token, token.substring(0, MAX_ECHO) + "...");
        }
        return message.length() > 4 * MAX_ECHO ? message.substring(0, 4 * MAX_ECHO) + "..." : message;
    }

    private static String at(SourceLocation location) {
        return location == null || location.getLine() <= 0 ? "" : " at line " + location.getLine() + " column " + location.getColumn();
    }

    private static String maxTokens() {
        return ConfigProvider.getConfig().getOptionalValue(TOKENS_KEY, String.class).orElse("the parser's limit of");
    }
}
