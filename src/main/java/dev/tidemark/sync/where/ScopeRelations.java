package dev.tidemark.sync.where;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which relations a scope's membership depends on, and how far: the one set of rules by which
 * both the realtime evaluator (which rows an event batch may move in or out) and the reconnect
 * from the change log (which rows changed since a stamp) decide what a change of another table
 * means for a scope (docs/design.md §5). Row policies ({@link Condition.Visible}) count like the
 * client's where: they are part of the scope.
 *
 * @param parents many-to-one conditions on the scope's own rows: a parent's change may move its
 *        children in or out, row by row
 * @param children to-many conditions on the scope's own rows: a child's change may move its
 *        parents (old and new) in or out, row by row
 * @param deepTables tables reached through two or more relations: which rows a change there moves
 *        is not decided row by row (realtime answers RESYNC, a reconnect compares the whole scope)
 */
public record ScopeRelations(List<Condition.Parent> parents, List<Condition.Children> children, Set<String> deepTables) {

    public static ScopeRelations of(Condition condition) {
        ScopeRelations relations = new ScopeRelations(new ArrayList<>(), new ArrayList<>(), new HashSet<>());
        relations.collect(condition);
        return new ScopeRelations(List.copyOf(relations.parents), List.copyOf(relations.children), Set.copyOf(relations.deepTables));
    }

    /** Whether the scope depends on its own rows only. */
    public boolean ownRowsOnly() {
        return parents.isEmpty() && children.isEmpty() && deepTables.isEmpty();
    }

    private void collect(Condition condition) {
        if (condition instanceof Condition.All all) {
            all.parts().forEach(this::collect);
        } else if (condition instanceof Condition.AnyOf any) {
            any.parts().forEach(this::collect);
        } else if (condition instanceof Condition.Not not) {
            collect(not.inner());
        } else if (condition instanceof Condition.Visible visible) {
            collect(visible.condition());
        } else if (condition instanceof Condition.Parent parent) {
            parents.add(parent);
            collectDeep(parent.condition());
        } else if (condition instanceof Condition.Children child) {
            children.add(child);
            collectDeep(child.condition());
        }
    }

    private void collectDeep(Condition condition) {
        if (condition instanceof Condition.All all) {
            all.parts().forEach(this::collectDeep);
        } else if (condition instanceof Condition.AnyOf any) {
            any.parts().forEach(this::collectDeep);
        } else if (condition instanceof Condition.Not not) {
            collectDeep(not.inner());
        } else if (condition instanceof Condition.Visible visible) {
            collectDeep(visible.condition());
        } else if (condition instanceof Condition.Parent parent) {
            deepTables.add(parent.target().tableName());
            collectDeep(parent.condition());
        } else if (condition instanceof Condition.Children child) {
            deepTables.add(child.child().tableName());
            collectDeep(child.condition());
        }
    }
}
