package dev.tidemark.sync.limits;

import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.AbortExecutionException;

/** graphql-java's depth limit, refusing with {@code LIMIT_EXCEEDED} and the key to change (it has no code of its own). */
class CodedDepthLimit extends MaxQueryDepthInstrumentation {

    static final String KEY = "quarkus.smallrye-graphql.instrumentation-query-depth";

    CodedDepthLimit(int maxDepth) {
        super(maxDepth);
    }

    @Override
    protected AbortExecutionException mkAbortException(int depth, int maxDepth) {
        return LimitError.abort(LimitError.Limit.MaxDepthExceeded, "maximum query depth exceeded: the operation is " + depth
                + " fields deep, more than " + KEY + " (" + maxDepth + "); select fewer nested relations");
    }
}
