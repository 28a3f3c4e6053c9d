package dev.tidemark.sync.error;

import java.util.ArrayList;
import java.util.List;

import dev.tidemark.sync.config.TidemarkConfig;
import graphql.GraphQL;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import io.quarkus.arc.Arc;
import io.smallrye.graphql.spi.EventingService;

/**
 * Adds {@link ServerErrorInstrumentation} to the instrumentations of the {@code GraphQL} instance
 * SmallRye builds, so every operation it executes (HTTP and the WebSocket endpoint's) answers
 * unexpected failures with a code. Loaded with {@code ServiceLoader} (META-INF/services), always
 * active; the instrumentations already on the builder are kept, in their order.
 */
public class ServerErrorsEventingService implements EventingService {

    @Override
    public String getConfigKey() {
        return null;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        TidemarkConfig config = Arc.container().instance(TidemarkConfig.class).get();
        Instrumentation existing = builder.build().getInstrumentation();
        List<Instrumentation> chain = new ArrayList<>(existing instanceof ChainedInstrumentation chained
                ? chained.getInstrumentations() : List.of(existing));
        chain.add(new ServerErrorInstrumentation(config.database().retryAfter().toSeconds()));
        return builder.instrumentation(new ChainedInstrumentation(chain));
    }
}
