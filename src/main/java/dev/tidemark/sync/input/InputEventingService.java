package dev.tidemark.sync.input;

import java.util.ArrayList;
import java.util.List;

import graphql.GraphQL;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import io.smallrye.graphql.spi.EventingService;

/**
 * Puts the input checks into SmallRye's {@code GraphQL} instance, which runs every operation (HTTP
 * and the WebSocket endpoint's): the schema with strict input scalars ({@link StrictScalars}) and
 * {@link InputErrors} at the end of the instrumentation chain.
 *
 * <p>Loaded with {@code ServiceLoader} (META-INF/services), always active. The builder has no
 * getters, so it is built once to read its schema and chain; the chain is kept flat (one level),
 * as other services that read it expect.
 */
public class InputEventingService implements EventingService {

    @Override
    public String getConfigKey() {
        return null;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        GraphQL built = builder.build();
        List<Instrumentation> chain = new ArrayList<>();
        Instrumentation current = built.getInstrumentation();
        chain.addAll(current instanceof ChainedInstrumentation chained ? chained.getInstrumentations() : List.of(current));
        chain.add(new InputErrors());
        return builder.schema(StrictScalars.apply(built.getGraphQLSchema())).instrumentation(new ChainedInstrumentation(chain));
    }
}
