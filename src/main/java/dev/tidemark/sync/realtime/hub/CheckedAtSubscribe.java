package dev.tidemark.sync.realtime.hub;

import java.util.List;

import graphql.ExecutionResult;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * The instrumentation chain of the {@code GraphQL} instance, with the query depth and complexity
 * limits checked when a subscription is made and not again for each event rendered with its
 * document ({@link SubscriptionField.Render}): a rendering executes the subscriber's own document
 * with its own variables, which passed the same limits when it subscribed, and each check walks the
 * whole document again (once per event and selection set). Every other execution (HTTP, a
 * subscribe, a query over the WebSocket) and every other instrumentation of the chain is as before.
 */
final class CheckedAtSubscribe extends ChainedInstrumentation {

    private CheckedAtSubscribe(List<Instrumentation> instrumentations) {
        super(instrumentations);
    }

    /** {@code instrumentation} (a chain or one) as a chain that skips its depth and complexity limits for renderings. */
    static Instrumentation wrap(Instrumentation instrumentation) {
        return new CheckedAtSubscribe(instrumentation instanceof ChainedInstrumentation chained
                ? chained.getInstrumentations() : List.of(instrumentation));
    }

    /** Whether this operation is the rendering of an event for a subscription made earlier. */
    static boolean rendering(ExecutionContext context) {
        return context.getGraphQLContext().get(SubscriptionField.CONTEXT_KEY) instanceof SubscriptionField.Render;
    }

    private static boolean limit(Instrumentation instrumentation) {
        return instrumentation instanceof MaxQueryDepthInstrumentation || instrumentation instanceof MaxQueryComplexityInstrumentation;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        if (!rendering(parameters.getExecutionContext())) {
            return super.beginExecuteOperation(parameters, state);
        }
        List<InstrumentationContext<ExecutionResult>> contexts = chainedMapAndDropNulls(state,
                (instrumentation, own) -> limit(instrumentation) ? null : instrumentation.beginExecuteOperation(parameters, own));
        return new InstrumentationContext<>() {
            @Override
            public void onDispatched() {
                contexts.forEach(InstrumentationContext::onDispatched);
            }

            @Override
            public void onCompleted(ExecutionResult result, Throwable error) {
                contexts.forEach(context -> context.onCompleted(result, error));
            }
        };
    }
}
