package dev.tidemark.sync.limits;

import java.util.List;
import java.util.Map;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.GraphQLContext;
import graphql.GraphQLError;
import graphql.execution.AbortExecutionException;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorClassification;

/**
 * The refusal of an operation over a document limit (expanded fields, fragment depth, aliases, depth, complexity), before any field
 * runs. A {@link ValidationError}, because SmallRye copies the extensions of validation errors only:
 * {@code extensions.code} is {@code LIMIT_EXCEEDED} and {@code validationErrorType} names the limit.
 */
final class LimitError {

    /** The {@code validationErrorType} of each refusal, and the {@code limit} tag it is counted under. */
    enum Limit implements ValidationErrorClassification {
        MaxFieldsExceeded(LimitRefusals.Limit.MAX_FIELDS),
        MaxFragmentDepthExceeded(LimitRefusals.Limit.MAX_FRAGMENT_DEPTH),
        MaxAliasesExceeded(LimitRefusals.Limit.MAX_ALIASES),
        MaxDepthExceeded(LimitRefusals.Limit.QUERY_DEPTH),
        MaxComplexityExceeded(LimitRefusals.Limit.QUERY_COMPLEXITY);

        final LimitRefusals.Limit counted;

        Limit(LimitRefusals.Limit counted) {
            this.counted = counted;
        }
    }

    private LimitError() {
    }

    static AbortExecutionException abort(Limit limit, String description) {
        return new AbortExecutionException(List.of(ValidationError.newValidationError()
                .validationErrorType(limit)
                .description(description)
                .extensions(Map.of("code", "LIMIT_EXCEEDED"))
                .build()));
    }

    /**
     * Counts {@code refused} (thrown by a document limit, measured or replayed from its cached
     * verdict) once, under the limit it names, for the transport {@code context} says the operation came over.
     */
    static void count(LimitRefusals refusals, AbortExecutionException refused, GraphQLContext context) {
        for (GraphQLError error : refused.getUnderlyingErrors()) {
            if (error instanceof ValidationError validation && validation.getValidationErrorType() instanceof Limit limit) {
                refusals.refused(limit.counted, LimitRefusals.transport(context.get(LimitRefusals.TRANSPORT_KEY)));
                return;
            }
        }
    }
}
