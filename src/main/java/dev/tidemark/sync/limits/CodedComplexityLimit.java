package dev.tidemark.sync.limits;

import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.AbortExecutionException;

/** graphql-java's complexity (field count) limit, refusing with {@code LIMIT_EXCEEDED} and the key to change. */
class CodedComplexityLimit extends MaxQueryComplexityInstrumentation {

    static final String KEY = "quarkus.smallrye-graphql.instrumentation-query-complexity";

    CodedComplexityLimit(int maxComplexity) {
        super(maxComplexity);
    }

    @Override
    protected AbortExecutionException mkAbortException(int complexity, int maxComplexity) {
        return LimitError.abort(LimitError.Limit.MaxComplexityExceeded, "maximum query complexity exceeded: the operation selects "
                + complexity + " fields, more than " + KEY + " (" + maxComplexity + "); select fewer fields or split the operation");
    }
}
