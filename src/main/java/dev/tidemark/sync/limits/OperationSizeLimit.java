package dev.tidemark.sync.limits;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.ExecutionResult;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * Refuses an operation whose expanded size is over {@code tidemark.limits.max-fields} fields or
 * {@code tidemark.limits.max-aliases} aliased fields, before anything expands it.
 *
 * <p>A fragment bomb ({@code F(i)} spreading {@code F(i-1)} twice) is small as a document and
 * passes validation, depth and complexity (those visit each fragment once), but graphql-java's
 * field collection and its normalised operation (which SmallRye builds for every data fetcher)
 * materialise one entry per expanded field: 2^31 of them from a 1 KB request. An alias bomb
 * ({@code a1: users {uid} a2: users {uid} ...}) runs a resolver per alias. {@link ExpandedSize}
 * counts both without expanding.
 *
 * <p>The check runs at {@code beginExecuteOperation}, first in the chain (before the depth and
 * complexity limits), after validation (which visits each fragment once per selection set) and
 * before any field is collected. Documents served from SmallRye's parsed-document cache are
 * checked too (their verdict kept per document, {@link DocumentVerdicts}), and so are operations sent over the
 * WebSocket (same {@code GraphQL} instance).
 */
public class OperationSizeLimit extends SimplePerformantInstrumentation {

    static final String FIELDS_KEY = "tidemark.limits.max-fields";
    static final String ALIASES_KEY = "tidemark.limits.max-aliases";

    final DocumentVerdicts verdicts = new DocumentVerdicts();
    private final int maxFields;
    private final int maxAliases;
    private final LimitRefusals refusals;

    public OperationSizeLimit(int maxFields, int maxAliases, LimitRefusals refusals) {
        this.maxFields = maxFields;
        this.maxAliases = maxAliases;
        this.refusals = refusals;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        ExecutionContext context = parameters.getExecutionContext();
        verdicts.check(context, refusals, () -> measure(context));
        return super.beginExecuteOperation(parameters, state);
    }

    private void measure(ExecutionContext context) {
        ExpandedSize size = ExpandedSize.of(context.getOperationDefinition().getSelectionSet(), context.getFragmentsByName());
        if (size.fields() > maxFields) {
            throw LimitError.abort(LimitError.Limit.MaxFieldsExceeded, "the operation selects " + count(size.fields())
                    + " fields once its fragments are expanded (each fragment counts every time it is spread), more than "
                    + FIELDS_KEY + " (" + maxFields + "); spread fragments fewer times, select fewer fields, or split the operation");
        }
        if (size.aliases() > maxAliases) {
            throw LimitError.abort(LimitError.Limit.MaxAliasesExceeded, "the operation has " + count(size.aliases())
                    + " aliased fields, more than " + ALIASES_KEY + " (" + maxAliases
                    + "); send fewer aliases per operation, or several operations");
        }
    }

    private static String count(long value) {
        return value == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(value);
    }
}
