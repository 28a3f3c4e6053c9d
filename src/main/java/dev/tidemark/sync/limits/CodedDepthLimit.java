package dev.tidemark.sync.limits;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.ExecutionResult;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.AbortExecutionException;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * graphql-java's depth limit, refusing with {@code LIMIT_EXCEEDED} and the key to change (it has no code of its own),
 * its verdict kept per cached document ({@link DocumentVerdicts}).
 */
class CodedDepthLimit extends MaxQueryDepthInstrumentation {

    static final String KEY = "quarkus.smallrye-graphql.instrumentation-query-depth";

    final DocumentVerdicts verdicts = new DocumentVerdicts();
    private final LimitRefusals refusals;

    CodedDepthLimit(int maxDepth, LimitRefusals refusals) {
        super(maxDepth);
        this.refusals = refusals;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        verdicts.check(parameters.getExecutionContext(), refusals, () -> super.beginExecuteOperation(parameters, state));
        return SimpleInstrumentationContext.noOp();
    }

    @Override
    protected AbortExecutionException mkAbortException(int depth, int maxDepth) {
        return LimitError.abort(LimitError.Limit.MaxDepthExceeded, "maximum query depth exceeded: the operation is " + depth
                + " fields deep, more than " + KEY + " (" + maxDepth + "); select fewer nested relations");
    }
}
