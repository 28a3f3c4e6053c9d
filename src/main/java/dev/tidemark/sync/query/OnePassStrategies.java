package dev.tidemark.sync.query;

import java.util.concurrent.CompletableFuture;

import graphql.ExecutionResult;
import graphql.execution.AsyncExecutionStrategy;
import graphql.execution.AsyncSerialExecutionStrategy;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.ExecutionContext;
import graphql.execution.ExecutionStrategyParameters;
import graphql.execution.FieldValueInfo;

/**
 * graphql-java's query and mutation execution strategies, with lists of rows completed by
 * {@link OnePassRows} when their selection is only columns (a list query's rows, a sync's upserts).
 */
final class OnePassStrategies {

    private OnePassStrategies() {
    }

    /** Queries: fields in parallel, as graphql-java's default. */
    static final class Query extends AsyncExecutionStrategy {

        private final OnePassRows rows = new OnePassRows();

        Query(DataFetcherExceptionHandler handler) {
            super(handler);
        }

        /** Shows the operation to {@link DirectQueries} (parsed, validated, within the limits) before executing it. */
        @Override
        public CompletableFuture<ExecutionResult> execute(ExecutionContext context, ExecutionStrategyParameters parameters) {
            DirectQueries.learn(context);
            return super.execute(context, parameters);
        }

        @Override
        protected FieldValueInfo completeValueForList(ExecutionContext context, ExecutionStrategyParameters parameters,
                Iterable<Object> values) {
            FieldValueInfo done = rows.complete(context, parameters, values);
            return done != null ? done : super.completeValueForList(context, parameters, values);
        }
    }

    /** Mutations: top-level fields one after the other, as graphql-java's default. */
    static final class Mutation extends AsyncSerialExecutionStrategy {

        private final OnePassRows rows = new OnePassRows();

        Mutation(DataFetcherExceptionHandler handler) {
            super(handler);
        }

        @Override
        protected FieldValueInfo completeValueForList(ExecutionContext context, ExecutionStrategyParameters parameters,
                Iterable<Object> values) {
            FieldValueInfo done = rows.complete(context, parameters, values);
            return done != null ? done : super.completeValueForList(context, parameters, values);
        }
    }
}
