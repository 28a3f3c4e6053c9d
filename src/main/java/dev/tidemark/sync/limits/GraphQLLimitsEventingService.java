package dev.tidemark.sync.limits;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.tidemark.sync.config.TidemarkConfig;
import graphql.GraphQL;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import graphql.parser.ParserOptions;
import io.quarkus.arc.Arc;
import io.smallrye.graphql.spi.EventingService;

/**
 * Applies the GraphQL document limits when SmallRye builds its {@code GraphQL} instance: adds
 * {@link AliasLimitInstrumentation} in front of SmallRye GraphQL's own instrumentations (query
 * depth and complexity, its document cache) and applies the token limit to operations, so every
 * operation it executes is checked: HTTP, and the WebSocket endpoint's (which runs documents
 * through the same {@code ExecutionService}).
 *
 * <p>Loaded with {@code ServiceLoader} (META-INF/services) and always active (no config key).
 * SmallRye sets its instrumentations on the builder before this hook and the builder has no
 * getter, so the builder is built once to read them, then given the chain with ours first.
 */
public class GraphQLLimitsEventingService implements EventingService {

    @Override
    public String getConfigKey() {
        return null;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        limitOperationTokens();
        int maxAliases = Arc.container().instance(TidemarkConfig.class).get().limits().maxAliases();
        List<Instrumentation> chain = new ArrayList<>();
        chain.add(new AliasLimitInstrumentation(maxAliases));
        chain.add(builder.build().getInstrumentation());
        return builder.instrumentation(new ChainedInstrumentation(chain));
    }

    /**
     * SmallRye passes {@code quarkus.smallrye-graphql.parser-max-tokens} to graphql-java's general
     * default parser options, but graphql-java parses operations with its separate operation
     * defaults (15,000 tokens), so the key alone does not limit requests; it is applied to those here.
     */
    private static void limitOperationTokens() {
        ConfigProvider.getConfig().getOptionalValue("quarkus.smallrye-graphql.parser-max-tokens", Integer.class)
                .ifPresent(max -> ParserOptions.setDefaultOperationParserOptions(
                        ParserOptions.getDefaultOperationParserOptions().transform(options -> options.maxTokens(max))));
    }
}
