package dev.tidemark.sync.limits;

import java.util.List;
import java.util.Map;

import graphql.execution.AbortExecutionException;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorClassification;

/**
 * The refusal of an operation over a document limit (expanded fields, fragment depth, aliases, depth, complexity), before any field
 * runs. A {@link ValidationError}, because SmallRye copies the extensions of validation errors only:
 * {@code extensions.code} is {@code LIMIT_EXCEEDED} and {@code validationErrorType} names the limit.
 */
final class LimitError {

    /** The {@code validationErrorType} of each refusal. */
    enum Limit implements ValidationErrorClassification {
        MaxFieldsExceeded, MaxFragmentDepthExceeded, MaxAliasesExceeded, MaxDepthExceeded, MaxComplexityExceeded
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
}
