package dev.tidemark.sync.limits;

import java.util.HashMap;
import java.util.Map;

import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;

/**
 * The size of a selection set as graphql-java executes it: its fields and aliased fields with
 * every fragment spread expanded, each fragment counted each time it is spread.
 *
 * <p>Counted without expanding anything: a fragment's size is computed once and reused (memoised
 * by name), so the walk is linear in the document even when its expansion is exponential (a
 * fragment bomb: {@code F(i)} spreading {@code F(i-1)} twice, 30 levels, is 2^31 fields from a
 * 1 KB document). Sums saturate at {@link Long#MAX_VALUE} instead of overflowing.
 *
 * @param fields every field (leaf or not, {@code __typename} included)
 * @param aliases the fields among them that have an alias
 */
public record ExpandedSize(long fields, long aliases) {

    static final ExpandedSize ZERO = new ExpandedSize(0, 0);

    /** The expanded size of {@code selections}, fragments looked up in {@code fragments}. */
    public static ExpandedSize of(SelectionSet selections, Map<String, FragmentDefinition> fragments) {
        return new Counter(fragments).count(selections);
    }

    ExpandedSize plus(ExpandedSize other) {
        return new ExpandedSize(saturatedAdd(fields, other.fields), saturatedAdd(aliases, other.aliases));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** One walk over one document, with its fragments' sizes memoised. */
    private static final class Counter {
        private final Map<String, FragmentDefinition> fragments;
        private final Map<String, ExpandedSize> memo = new HashMap<>();

        Counter(Map<String, FragmentDefinition> fragments) {
            this.fragments = fragments;
        }

        ExpandedSize count(SelectionSet selections) {
            ExpandedSize total = ZERO;
            if (selections == null) {
                return total;
            }
            for (Selection<?> selection : selections.getSelections()) {
                total = total.plus(count(selection));
            }
            return total;
        }

        private ExpandedSize count(Selection<?> selection) {
            if (selection instanceof Field field) {
                return new ExpandedSize(1, field.getAlias() != null ? 1 : 0).plus(count(field.getSelectionSet()));
            }
            if (selection instanceof InlineFragment inline) {
                return count(inline.getSelectionSet());
            }
            if (selection instanceof FragmentSpread spread) {
                return fragment(spread.getName());
            }
            return ZERO;
        }

        private ExpandedSize fragment(String name) {
            ExpandedSize known = memo.get(name);
            if (known != null) {
                return known;
            }
            FragmentDefinition definition = fragments.get(name);
            memo.put(name, ZERO); // validation refuses cycles already; this only guards the walk
            ExpandedSize size = definition == null ? ZERO : count(definition.getSelectionSet());
            memo.put(name, size);
            return size;
        }
    }
}
