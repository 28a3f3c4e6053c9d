package dev.tidemark.sync.where;

import java.util.List;

import dev.tidemark.sync.schema.ChildRelation;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncTable;

/**
 * A validated where-scope, independent of how it arrived (GraphQL input, sync scope) and of how it
 * is evaluated (JPQL today; SQL or in-memory matching for events later). Values are already
 * converted to the column's Java type.
 */
public sealed interface Condition {

    /** Every part holds; an empty list is true. */
    record All(List<Condition> parts) implements Condition {
    }

    /** At least one part holds; an empty list is false. */
    record AnyOf(List<Condition> parts) implements Condition {
    }

    record Not(Condition inner) implements Condition {
    }

    /** {@code column op value}; for IN/NOT_IN the value is a list, for IS_NULL a Boolean. */
    record Compare(SyncColumn column, Op op, Object value) implements Condition {
    }

    /** The row's parent (many-to-one) matches {@code condition}. */
    record Parent(ParentRelation relation, SyncTable target, Condition condition) implements Condition {
    }

    /**
     * Some (or, with {@code some = false}, no) live child row of the given relation matches
     * {@code condition}. Tombstoned children never count: a removed membership is no membership.
     */
    record Children(ChildRelation relation, SyncTable child, ParentRelation back, boolean some, Condition condition)
            implements Condition {
    }

    /**
     * The row is one its reader may see: {@code condition} (a row policy, which depends on the
     * reader only) holds for it. Equivalent to the condition itself, but evaluated by SQL as
     * {@code uid in (select uid ... where condition)}: independent of the outer row, so the
     * database computes it once per query rather than once per row at every relation level.
     */
    record Visible(SyncTable table, Condition condition) implements Condition {
    }

    Condition TRUE = new All(List.of());
}
