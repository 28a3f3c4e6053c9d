package dev.tidemark.sync.limits;

import java.util.HashMap;
import java.util.Map;

import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;

/**
 * Refuses an operation with more aliased fields than {@code tidemark.limits.max-aliases} before any
 * field is fetched: an alias bomb ({@code a1: users {uid} a2: users {uid} ...}) runs the same
 * resolver once per alias, which the depth limit does not see.
 *
 * <p>Aliases are counted as they would execute: a fragment spread counts its fragment's aliases
 * each time it is spread (memoised per fragment, so a fragment bomb costs a linear walk). The
 * check runs at {@code beginExecuteOperation}, like graphql-java's depth and complexity limits, so
 * documents served from SmallRye's parsed-document cache are checked too.
 */
public class AliasLimitInstrumentation extends SimplePerformantInstrumentation {

    static final String KEY = "tidemark.limits.max-aliases";

    private final int maxAliases;

    public AliasLimitInstrumentation(int maxAliases) {
        this.maxAliases = maxAliases;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        var context = parameters.getExecutionContext();
        long aliases = count(context.getOperationDefinition().getSelectionSet(), context.getFragmentsByName(), new HashMap<>());
        if (aliases > maxAliases) {
            throw LimitError.abort(LimitError.Limit.MaxAliasesExceeded, "the operation has "
                    + (aliases > Integer.MAX_VALUE ? "too many" : aliases) + " aliased fields, more than " + KEY + " (" + maxAliases
                    + "); send fewer aliases per operation, or several operations");
        }
        return super.beginExecuteOperation(parameters, state);
    }

    /** Aliased fields under {@code selections}, fragments expanded; saturates instead of overflowing. */
    static long count(SelectionSet selections, Map<String, FragmentDefinition> fragments, Map<String, Long> memo) {
        if (selections == null) {
            return 0;
        }
        long total = 0;
        for (Selection<?> selection : selections.getSelections()) {
            long here;
            if (selection instanceof Field field) {
                here = (field.getAlias() != null ? 1 : 0) + count(field.getSelectionSet(), fragments, memo);
            } else if (selection instanceof InlineFragment inline) {
                here = count(inline.getSelectionSet(), fragments, memo);
            } else if (selection instanceof FragmentSpread spread) {
                here = fragment(spread.getName(), fragments, memo);
            } else {
                here = 0;
            }
            total = saturatedAdd(total, here);
        }
        return total;
    }

    private static long fragment(String name, Map<String, FragmentDefinition> fragments, Map<String, Long> memo) {
        Long known = memo.get(name);
        if (known != null) {
            return known;
        }
        FragmentDefinition definition = fragments.get(name);
        memo.put(name, 0L); // validation refuses cycles already; this only guards the walk
        long aliases = definition == null ? 0 : count(definition.getSelectionSet(), fragments, memo);
        memo.put(name, aliases);
        return aliases;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
