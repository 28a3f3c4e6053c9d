package dev.tidemark.sync.realtime.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.realtime.ChangeOperation;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;

/**
 * The rendering of an event runs a document that passed the depth and complexity limits when it
 * subscribed: {@link CheckedAtSubscribe} skips them for it, and only for it.
 */
class CheckedAtSubscribeTest {

    private static final String DEEP = "{ a { a { a { name } } } }"; // depth 4, 4 fields

    private final GraphQL graphQL = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(
            new SchemaParser().parse("type Query { a: A } type A { a: A name: String }"),
            RuntimeWiring.newRuntimeWiring().type("Query", t -> t.dataFetcher("a", e -> Map.of()))
                    .type("A", t -> t.dataFetcher("a", e -> Map.of()).dataFetcher("name", e -> "x")).build()))
            .instrumentation(CheckedAtSubscribe.wrap(new ChainedInstrumentation(List.of(
                    new MaxQueryDepthInstrumentation(2), new MaxQueryComplexityInstrumentation(3)))))
            .build();

    @Test
    void shouldSkipDepthAndComplexityWhenRenderingAnEvent() {
        SubscriptionField render = new SubscriptionField.Render(ChangeEvent.signal(ChangeOperation.READY, "1@2026-12-02T00:00:00Z"));
        ExecutionResult result = graphQL.execute(ExecutionInput.newExecutionInput(DEEP)
                .graphQLContext(Map.of(SubscriptionField.CONTEXT_KEY, render)).build());
        assertTrue(result.getErrors().isEmpty(), () -> result.getErrors().toString());
        Object data = result.getData();
        assertEquals("{a={a={a={name=x}}}}", data.toString());
    }

    @Test
    void shouldCheckEveryOtherExecution() {
        ExecutionResult plain = graphQL.execute(DEEP);
        assertTrue(plain.getErrors().get(0).getMessage().contains("depth"), () -> plain.getErrors().toString());

        SubscriptionField subscribe = (SubscriptionField.Subscribe) (table, where) -> { };
        ExecutionResult subscribing = graphQL.execute(ExecutionInput.newExecutionInput(DEEP)
                .graphQLContext(Map.of(SubscriptionField.CONTEXT_KEY, subscribe)).build());
        assertTrue(subscribing.getErrors().get(0).getMessage().contains("depth"), () -> subscribing.getErrors().toString());

        ExecutionResult complex = graphQL.execute("{ a { name } b: a { name } }"); // depth 2, 4 fields
        assertTrue(complex.getErrors().get(0).getMessage().contains("complexity"), () -> complex.getErrors().toString());
    }
}
