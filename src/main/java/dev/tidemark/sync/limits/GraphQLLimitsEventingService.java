package dev.tidemark.sync.limits;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.GraphQL;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import graphql.parser.ParserOptions;
import io.quarkus.arc.Arc;
import io.smallrye.graphql.spi.EventingService;

/**
 * Applies the GraphQL document limits when SmallRye builds its {@code GraphQL} instance, so every
 * operation it executes is checked: HTTP, and the WebSocket endpoint's (which runs documents
 * through the same {@code ExecutionService}). It puts {@link OperationSizeLimit} in front of
 * SmallRye's instrumentations and {@link FragmentDepthLimit} after them, swaps SmallRye's depth and complexity limits for the same limits
 * answering {@code LIMIT_EXCEEDED} ({@link CodedDepthLimit}, {@link CodedComplexityLimit}), and
 * applies the token limit to operations.
 *
 * <p>Loaded with {@code ServiceLoader} (META-INF/services) and always active (no config key).
 * SmallRye sets its instrumentations on the builder before this hook and the builder has no
 * getter, so the builder is built once to read them, then given the new chain.
 */
public class GraphQLLimitsEventingService implements EventingService {

    @Override
    public String getConfigKey() {
        return null;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        Config config = ConfigProvider.getConfig();
        limitOperationTokens(config);
        List<Instrumentation> chain = new ArrayList<>();
        TidemarkConfig.Limits limits = Arc.container().instance(TidemarkConfig.class).get().limits();
        LimitRefusals refusals = Arc.container().instance(LimitRefusals.class).get();
        chain.add(new OperationSizeLimit(limits.maxFields(), limits.maxAliases(), refusals));
        Instrumentation smallrye = builder.build().getInstrumentation();
        for (Instrumentation instrumentation : smallrye instanceof ChainedInstrumentation chained
                ? chained.getInstrumentations() : List.of(smallrye)) {
            chain.add(coded(instrumentation, config, refusals));
        }
        chain.add(new FragmentDepthLimit(limits.maxFragmentDepth(), refusals)); // after SmallRye's QueryCache: see its doc
        return builder.instrumentation(new ChainedInstrumentation(chain));
    }

    /** SmallRye's depth and complexity limits answer without a code; the same limits with one. */
    private static Instrumentation coded(Instrumentation instrumentation, Config config, LimitRefusals refusals) {
        if (instrumentation instanceof MaxQueryDepthInstrumentation) {
            return new CodedDepthLimit(config.getValue(CodedDepthLimit.KEY, Integer.class), refusals);
        }
        if (instrumentation instanceof MaxQueryComplexityInstrumentation) {
            return new CodedComplexityLimit(config.getValue(CodedComplexityLimit.KEY, Integer.class), refusals);
        }
        return instrumentation;
    }

    /**
     * SmallRye passes {@code quarkus.smallrye-graphql.parser-max-tokens} to graphql-java's general
     * default parser options, but graphql-java parses operations with its separate operation
     * defaults (15,000 tokens), so the key alone does not limit requests; it is applied to those here.
     */
    private static void limitOperationTokens(Config config) {
        config.getOptionalValue("quarkus.smallrye-graphql.parser-max-tokens", Integer.class)
                .ifPresent(max -> ParserOptions.setDefaultOperationParserOptions(
                        ParserOptions.getDefaultOperationParserOptions().transform(options -> options.maxTokens(max))));
    }
}
