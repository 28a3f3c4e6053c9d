package dev.tidemark.sync.realtime;

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

/**
 * Finds the groups a batch may concern without evaluating every group. A group whose where has no
 * relation and a top-level {@code eq} (on a string or uuid column) or {@code startsWith} is indexed
 * by that value: a row can be in its scope, before or after a change, only if that column of the
 * row's old or new image has the value (or the prefix). Every other group is evaluated for every
 * batch.
 */
final class ScopeIndex {

    /** The indexed part of a where: every row in scope satisfies it. */
    record Entry(String table, String field, Op op, String value) {
    }

    private final Map<String, Map<String, Set<ScopeGroup>>> byValue = new ConcurrentHashMap<>();
    private final Set<ScopeGroup> scanned = ConcurrentHashMap.newKeySet();

    void add(ScopeGroup group) {
        Entry entry = entryOf(group);
        if (entry == null) {
            scanned.add(group);
        } else {
            byValue.computeIfAbsent(key(entry), k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(entry.value(), v -> ConcurrentHashMap.newKeySet()).add(group);
        }
    }

    void remove(ScopeGroup group) {
        Entry entry = entryOf(group);
        if (entry == null) {
            scanned.remove(group);
        } else {
            Map<String, Set<ScopeGroup>> values = byValue.get(key(entry));
            Set<ScopeGroup> groups = values == null ? null : values.get(entry.value());
            if (groups != null) {
                groups.remove(group);
            }
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
            }
        });
        return result;
    }

    private static void collect(Map<String, Set<ScopeGroup>> values, ChangedRow row, RowImage image, String field,
            boolean prefix, Map<ScopeGroup, List<ChangedRow>> result) {
        Object value = image.get(field);
        if (value == null) {
            return;
        }
        String text = value.toString();
        if (!prefix) {
            addAll(values.get(text), row, result);
            return;
        }
        for (int length = 0; length <= text.length(); length++) {
            addAll(values.get(text.substring(0, length)), row, result);
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
