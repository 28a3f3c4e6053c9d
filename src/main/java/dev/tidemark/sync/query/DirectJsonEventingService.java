package dev.tidemark.sync.query;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import jakarta.annotation.Priority;

import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQL;
import io.quarkus.arc.Arc;
import io.smallrye.graphql.api.Context;
import io.smallrye.graphql.execution.context.SmallRyeContext;
import io.smallrye.graphql.spi.EventingService;
import io.smallrye.graphql.spi.config.Config;

/**
 * Writes the data of every answer SmallRye is about to serialise (HTTP, and the WebSocket
 * endpoint's queries and mutations) as JSON text in one pass ({@link AnswerJson}), instead of
 * SmallRye building a JSON-P tree of it and printing the tree: after the execution, the result's
 * data becomes that text ({@link WrittenJson}), which SmallRye's {@code ExecutionResponse} prints
 * verbatim inside its own envelope (errors, data, extensions). The bytes are the same
 * ({@code DirectJsonTest}). Answers whose data is not a map (a subscription's stream), that hold a
 * value the writer leaves to SmallRye, or with {@code quarkus.smallrye-graphql.exclude-null-fields-in-responses}
 * on, go SmallRye's way. The lowest priority: its {@code afterExecute} runs after every other service's.
 */
@Priority(Integer.MIN_VALUE)
public class DirectJsonEventingService implements EventingService {

    private static final Logger LOG = Logger.getLogger(DirectJsonEventingService.class);

    private static volatile boolean enabled = true;

    private static final LongAdder WRITTEN = new LongAdder();

    /** Turns direct writing on or off for the whole process ({@code tidemark.query.direct-json} at start; the read-path benchmark's A/B). */
    public static void enable(boolean on) {
        enabled = on;
    }

    /** Answers whose data was written directly since the process started (tests read it). */
    public static long writtenAnswers() {
        return WRITTEN.sum();
    }

    @Override
    public String getConfigKey() {
        return null;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        enable(Arc.container().instance(TidemarkConfig.class).get().query().directJson());
        return builder;
    }

    @Override
    public void afterExecute(Context context) {
        if (!enabled || !(context instanceof SmallRyeContext smallRye)) {
            return;
        }
        try {
            ExecutionResult written = written(smallRye.unwrap(ExecutionResult.class));
            if (written != null) {
                smallRye.setExecutionResult(written);
                WRITTEN.increment();
            }
        } catch (RuntimeException e) {
            // An exception thrown out of this hook leaves SmallRye's HTTP answer unsent: SmallRye writes it instead.
            LOG.errorf(e, "Writing an answer as JSON text failed; SmallRye writes it");
        }
    }

    /** {@code result} with its data written as JSON text, or null when SmallRye is to write it. */
    static ExecutionResult written(ExecutionResult result) {
        if (result == null || !result.isDataPresent() || !(result.getData() instanceof Map<?, ?> data)
                || Config.get().isExcludeNullFieldsInResponses()) {
            return null;
        }
        String json = AnswerJson.write(data);
        return json == null ? null : ExecutionResultImpl.newExecutionResult().from(result).data(new WrittenJson(json)).build();
    }
}
