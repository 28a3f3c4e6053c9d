package dev.tidemark.sync.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.validation.ValidationError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The depth, complexity and expanded-size limits give the same verdicts and errors when their verdict is kept per
 * cached document as when every operation is measured, through graphql-java's own execution with a parsed-document
 * cache as SmallRye's: the verdict follows the operation and the variables of {@code @skip}/{@code @include}.
 */
class DocumentVerdictsTest {

    static final String SDL = "type Query { users(name: String): [User] } type User { name: String friend: User }";
    /** Depth 4 with the friends, 2 without; depth limit 3. */
    static final String SOMETIMES_DEEP = "query($deep: Boolean!) { users { name friend @include(if: $deep) { friend { name } } } }";
    /** 2 fields, or 6 with the skipped part; complexity limit 5. */
    static final String SOMETIMES_WIDE = "query($narrow: Boolean!) { users { name ... @skip(if: $narrow) { a: name b: name c: name d: name } } }";

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final LimitRefusals refusals = new LimitRefusals(registry);
    final CodedDepthLimit depth = new CodedDepthLimit(3, refusals);
    final CodedComplexityLimit complexity = new CodedComplexityLimit(5, refusals);
    final OperationSizeLimit size = new OperationSizeLimit(100, 4, refusals);
    final GraphQL graphQL = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL),
                    RuntimeWiring.newRuntimeWiring().build()))
            .instrumentation(new ChainedInstrumentation(List.of(size, depth, complexity)))
            .preparsedDocumentProvider(new Cache())
            .build();

    /** Keeps every valid document, as SmallRye's {@code QueryCache} does, so the same text gives the same document. */
    static final class Cache implements PreparsedDocumentProvider {
        final Map<String, PreparsedDocumentEntry> entries = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
                Function<ExecutionInput, PreparsedDocumentEntry> parse) {
            return CompletableFuture.completedFuture(entries.computeIfAbsent(input.getQuery(), q -> parse.apply(input)));
        }
    }

    @AfterEach
    void restore() {
        DocumentVerdicts.enable(true);
    }

    List<GraphQLError> run(String document, String operation, Object... variables) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < variables.length; i += 2) {
            values.put((String) variables[i], variables[i + 1]);
        }
        ExecutionResult result = graphQL.execute(ExecutionInput.newExecutionInput(document).operationName(operation).variables(values));
        return result.getErrors();
    }

    /** Refusals counted under {@code limit} for plain HTTP (these operations carry no transport in their context). */
    double refused(String limit) {
        return registry.get(LimitRefusals.NAME).tag("limit", limit).tag("transport", "http").counter().count();
    }

    static String code(List<GraphQLError> errors) {
        assertEquals(1, errors.size(), errors::toString);
        return errors.get(0).getExtensions().get("code") + " " + ((ValidationError) errors.get(0)).getValidationErrorType() + ": "
                + errors.get(0).getMessage();
    }

    @Test
    void shouldMeasureADocumentOnceWhateverTheValuesOfItsOtherVariables() {
        for (String name : List.of("a", "b", "c")) {
            assertEquals(List.of(), run("query($n: String) { users(name: $n) { name friend { name } } }", null, "n", name));
        }
        assertEquals(List.of(1L, 1L, 1L), List.of(size.verdicts.measured(), depth.verdicts.measured(), complexity.verdicts.measured()));
    }

    @Test
    void shouldStillRefuseATooDeepDocumentWithItsCodeAfterAGoodOne() {
        String deep = "{ users { friend { friend { friend { name } } } } }";
        assertEquals(List.of(), run("{ users { friend { name } } }", null));
        String first = code(run(deep, null));
        assertTrue(first.startsWith("LIMIT_EXCEEDED MaxDepthExceeded: maximum query depth exceeded: the operation is 5 fields deep"), first);
        assertEquals(first, code(run(deep, null)), "the kept refusal is the same error");
        assertEquals(List.of(), run("{ users { friend { name } } }", null));
        assertEquals(2, depth.verdicts.measured());
        assertEquals(2, refused("query-depth"), "the measured refusal and the kept one, each once");
        assertEquals(0, refused("query-complexity") + refused("max-fields") + refused("max-aliases"));
    }

    @Test
    void shouldKeepAVerdictPerValueOfTheVariablesOfIncludeAndSkip() {
        assertEquals(List.of(), run(SOMETIMES_DEEP, null, "deep", false));
        assertTrue(code(run(SOMETIMES_DEEP, null, "deep", true)).contains("MaxDepthExceeded"));
        assertEquals(List.of(), run(SOMETIMES_DEEP, null, "deep", false));
        assertTrue(code(run(SOMETIMES_DEEP, null, "deep", true)).contains("MaxDepthExceeded"));
        assertEquals(List.of(), run(SOMETIMES_WIDE, null, "narrow", true));
        assertTrue(code(run(SOMETIMES_WIDE, null, "narrow", false)).contains("MaxComplexityExceeded: maximum query complexity "
                + "exceeded: the operation selects 6 fields"));
        assertEquals(List.of(), run(SOMETIMES_WIDE, null, "narrow", true));
        assertEquals(4, depth.verdicts.measured(), "two documents, two values each");
    }

    @Test
    void shouldKeepAVerdictPerOperation() {
        String two = "query Shallow { users { name } } query Deep { users { friend { friend { friend { name } } } } }";
        assertEquals(List.of(), run(two, "Shallow"));
        assertTrue(code(run(two, "Deep")).contains("MaxDepthExceeded"));
        assertEquals(List.of(), run(two, "Shallow"));
        assertTrue(code(run(two, "Deep")).contains("MaxDepthExceeded"));
        assertEquals(2, depth.verdicts.measured());
    }

    @Test
    void shouldRefuseTooManyAliasesFromTheCacheAsWhenMeasured() {
        String aliases = "{ a: users { name } b: users { name } c: users { name } d: users { name } e: users { name } }";
        DocumentVerdicts.enable(false);
        String measured = code(run(aliases, null));
        DocumentVerdicts.enable(true);
        assertEquals(measured, code(run(aliases, null)));
        assertEquals(measured, code(run(aliases, null)));
        assertTrue(measured.startsWith("LIMIT_EXCEEDED MaxAliasesExceeded"), measured);
        assertEquals(2, size.verdicts.measured(), "once with the cache off, once to fill it");
        assertEquals(3, refused("max-aliases"));
    }

    @Test
    void shouldMeasureEveryOperationWhenOff() {
        DocumentVerdicts.enable(false);
        for (boolean deep : new boolean[] { false, true, false, true }) {
            assertEquals(deep ? 1 : 0, run(SOMETIMES_DEEP, null, "deep", deep).size());
        }
        assertEquals(4, depth.verdicts.measured());
    }

    @Test
    void shouldFindTheVariablesOfDirectivesOnly() {
        assertEquals(List.of("deep"), DocumentVerdicts.directiveVariables(graphql.parser.Parser.parse(
                "query($deep: Boolean!, $n: String) { users(name: $n) { friend @include(if: $deep) { name @skip(if: $deep) } } }")));
    }
}
