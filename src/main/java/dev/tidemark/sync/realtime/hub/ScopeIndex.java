package dev.tidemark.sync.realtime.hub;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.tidemark.sync.where.RowImage;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.Op;
import dev.tidemark.sync.realtime.changelog.ChangeBatch;
import dev.tidemark.sync.realtime.changelog.ChangedRow;

/**
 * Finds the groups a batch may concern without evaluating every group. A group whose where has no
 * relation and a top-level {@code eq} (on a string or uuid column) or {@code startsWith} is indexed
 * by that value: a row can be in its scope, before or after a change, only if that column of the
 * row's old or new image has the value (or the prefix). Every other group is evaluated for every
 * batch. A value is looked up at the prefix lengths subscribed only, never at every length of the
 * row's value: a 1 MB name costs a handful of lookups, not a million substrings.
 */
final class ScopeIndex {

    /** The indexed part of a where: every row in scope satisfies it. */
    record Entry(String table, String field, Op op, String value) {
    }

    /** The groups of one indexed column and operator, by value; and for prefixes, how many values have each length. */
    private static final class Values {
        final Map<String, Set<ScopeGroup>> groups = new ConcurrentHashMap<>();
        final Map<Integer, Integer> lengths = new ConcurrentHashMap<>();
    }

    private final Map<String, Values> byValue = new ConcurrentHashMap<>();
    private final Set<ScopeGroup> scanned = ConcurrentHashMap.newKeySet();

    void add(ScopeGroup group) {
        Entry entry = entryOf(group);
        if (entry == null) {
            scanned.add(group);
            return;
        }
        Values values = byValue.computeIfAbsent(key(entry), k -> new Values());
        values.groups.compute(entry.value(), (value, groups) -> {
            Set<ScopeGroup> target = groups;
            if (target == null) {
                target = ConcurrentHashMap.newKeySet();
                values.lengths.merge(value.length(), 1, Integer::sum);
            }
            target.add(group);
            return target;
        });
    }

    void remove(ScopeGroup group) {
        Entry entry = entryOf(group);
        if (entry == null) {
            scanned.remove(group);
            return;
        }
        Values values = byValue.get(key(entry));
        if (values != null) {
            values.groups.computeIfPresent(entry.value(), (value, groups) -> {
                groups.remove(group);
                if (!groups.isEmpty()) {
                    return groups;
                }
                values.lengths.computeIfPresent(value.length(), (length, count) -> count == 1 ? null : count - 1);
                return null;
            });
        }
    }

    /**
     * Every group whose scope may hold a row of the batch, before or after it, with the rows of its
     * table that may concern it: for an indexed group only the rows whose indexed column (old or new)
     * has its value or prefix, in batch order, so a large batch costs rows × matching groups, not
     * rows × every candidate group; for any other group {@code null}, meaning every row.
     */
    Map<ScopeGroup, List<ChangedRow>> candidates(ChangeBatch batch) {
        Map<ScopeGroup, List<ChangedRow>> result = new IdentityHashMap<>();
        scanned.forEach(group -> result.put(group, null));
        byValue.forEach((key, values) -> {
            int split = key.indexOf('#');
            String table = key.substring(0, split);
            String field = key.substring(split + 1, key.length() - 3);
            boolean prefix = key.endsWith("#sw");
            for (ChangedRow row : batch.rowsOf(table).values()) {
                collect(values, row, row.now(), field, prefix, result);
                if (row.before() != null) {
                    collect(values, row, row.before(), field, prefix, result);
                }
                for (RowImage state : row.between()) {
                    collect(values, row, state, field, prefix, result);
                }
            }
        });
        return result;
    }

    private static void collect(Values values, ChangedRow row, RowImage image, String field,
            boolean prefix, Map<ScopeGroup, List<ChangedRow>> result) {
        Object value = image.get(field);
        if (value == null) {
            return;
        }
        String text = value.toString();
        if (!prefix) {
            addAll(values.groups.get(text), row, result);
            return;
        }
        for (int length : values.lengths.keySet()) {
            if (length <= text.length()) {
                addAll(values.groups.get(text.substring(0, length)), row, result);
            }
        }
    }

    private static void addAll(Set<ScopeGroup> groups, ChangedRow row, Map<ScopeGroup, List<ChangedRow>> result) {
        if (groups != null) {
            for (ScopeGroup group : groups) {
                List<ChangedRow> rows = result.computeIfAbsent(group, g -> new ArrayList<>(2));
                if (rows.isEmpty() || rows.get(rows.size() - 1) != row) { // old and new image may both hit
                    rows.add(row);
                }
            }
        }
    }

    private static String key(Entry entry) {
        return entry.table() + "#" + entry.field() + (entry.op() == Op.STARTS_WITH ? "#sw" : "#eq");
    }

    /** The first top-level indexable comparison of a relation-free where, or null. */
    static Entry entryOf(ScopeGroup group) {
        if (!group.parents.isEmpty() || !group.children.isEmpty()) {
            return null;
        }
        Condition condition = group.condition();
        Iterable<Condition> parts = condition instanceof Condition.All all ? all.parts() : java.util.List.of(condition);
        for (Condition part : parts) {
            if (part instanceof Condition.Compare compare && indexable(compare)) {
                return new Entry(group.table().tableName(), compare.column().field(), compare.op(), compare.value().toString());
            }
        }
        return null;
    }

    private static boolean indexable(Condition.Compare compare) {
        Class<?> type = compare.column().type();
        boolean textual = type == String.class || type == UUID.class;
        return textual && compare.value() != null && (compare.op() == Op.EQ || compare.op() == Op.STARTS_WITH);
    }
}
