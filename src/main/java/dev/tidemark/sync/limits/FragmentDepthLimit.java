package dev.tidemark.sync.limits;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.execution.AbortExecutionException;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationValidationParameters;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.validation.ValidationError;

/**
 * Refuses a document whose fragments spread fragments more than
 * {@code tidemark.limits.max-fragment-depth} deep, before graphql-java validates it.
 *
 * <p>graphql-java's fragment-cycle rule costs about the cube of the longest chain of spreads
 * ({@code F(i) { ...F(i-1) }}): a 600-fragment chain, 21 KB and under the token limit, kept an
 * event loop busy for 28 s, and each new document is validated again (only valid documents are
 * cached). The depth is computed here in one linear walk (memoised per fragment), at
 * {@code beginValidation}, which runs before the rules. Put this instrumentation after SmallRye's
 * {@code QueryCache} in the chain: it takes the cache's per-thread state in its own
 * {@code beginValidation}.
 */
public class FragmentDepthLimit extends SimplePerformantInstrumentation {

    static final String KEY = "tidemark.limits.max-fragment-depth";

    private final int maxDepth;
    private final LimitRefusals refusals;

    public FragmentDepthLimit(int maxDepth, LimitRefusals refusals) {
        this.maxDepth = maxDepth;
        this.refusals = refusals;
    }

    @Override
    public InstrumentationContext<List<ValidationError>> beginValidation(InstrumentationValidationParameters parameters,
            InstrumentationState state) {
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        parameters.getDocument().getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
        Map<String, Integer> memo = new HashMap<>();
        for (String name : fragments.keySet()) {
            int depth = depth(name, fragments, memo);
            if (depth > maxDepth) {
                AbortExecutionException refused = LimitError.abort(LimitError.Limit.MaxFragmentDepthExceeded, "fragment " + name
                        + " spreads fragments " + depth + " deep, more than " + KEY + " (" + maxDepth
                        + "); spread fragments into fewer levels of fragments");
                LimitError.count(refusals, refused, parameters.getGraphQLContext());
                throw refused;
            }
        }
        return super.beginValidation(parameters, state);
    }

    /** 1 for a fragment that spreads none, else 1 + the deepest fragment it spreads (at any field level). */
    static int depth(String name, Map<String, FragmentDefinition> fragments, Map<String, Integer> memo) {
        Integer known = memo.get(name);
        if (known != null) {
            return known;
        }
        memo.put(name, 1); // a cycle (refused by validation later) ends the walk instead of looping
        FragmentDefinition definition = fragments.get(name);
        int depth = 1 + (definition == null ? 0 : deepestSpread(definition.getSelectionSet(), fragments, memo));
        memo.put(name, depth);
        return depth;
    }

    private static int deepestSpread(SelectionSet selections, Map<String, FragmentDefinition> fragments, Map<String, Integer> memo) {
        int deepest = 0;
        if (selections == null) {
            return deepest;
        }
        for (Selection<?> selection : selections.getSelections()) {
            if (selection instanceof FragmentSpread spread) {
                deepest = Math.max(deepest, depth(spread.getName(), fragments, memo));
            } else if (selection instanceof Field field) {
                deepest = Math.max(deepest, deepestSpread(field.getSelectionSet(), fragments, memo));
            } else if (selection instanceof InlineFragment inline) {
                deepest = Math.max(deepest, deepestSpread(inline.getSelectionSet(), fragments, memo));
            }
        }
        return deepest;
    }
}
