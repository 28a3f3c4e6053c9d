package dev.tidemark.sync.limits;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.ExecutionResult;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.AbortExecutionException;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * graphql-java's complexity (field count) limit, refusing with {@code LIMIT_EXCEEDED} and the key to change, its
 * verdict kept per cached document ({@link DocumentVerdicts}: the count is {@code 1 + children} per field, whatever
 * the arguments).
 */
class CodedComplexityLimit extends MaxQueryComplexityInstrumentation {

    static final String KEY = "quarkus.smallrye-graphql.instrumentation-query-complexity";

    final DocumentVerdicts verdicts = new DocumentVerdicts();
    private final LimitRefusals refusals;

    CodedComplexityLimit(int maxComplexity, LimitRefusals refusals) {
        super(maxComplexity);
        this.refusals = refusals;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        verdicts.check(parameters.getExecutionContext(), refusals, () -> super.beginExecuteOperation(parameters, state));
        return SimpleInstrumentationContext.noOp();
    }

    @Override
    protected AbortExecutionException mkAbortException(int complexity, int maxComplexity) {
        return LimitError.abort(LimitError.Limit.MaxComplexityExceeded, "maximum query complexity exceeded: the operation selects "
                + complexity + " fields, more than " + KEY + " (" + maxComplexity + "); select fewer fields or split the operation");
    }
}
