package dev.tidemark.sync.realtime.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.ScopeRelations;
import dev.tidemark.sync.realtime.changelog.ChangeBatch;

/**
 * Every subscription of one table with the same where (same shape and values): the scope is
 * evaluated once per batch for the whole group, and each event object is shared by its members.
 */
final class ScopeGroup {

    /** Identity of a group: conditions are records, so equal wheres give equal keys. */
    record Key(SyncTable table, Condition condition) {
    }

    final Key key;
    final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** The rules are {@link ScopeRelations}'s, shared with the reconnect from the change log. Many-to-one conditions on this table's own rows: a parent change may move rows in or out. */
    final List<Condition.Parent> parents = new ArrayList<>();
    /** To-many conditions on this table's own rows: a child change may move rows in or out. */
    final List<Condition.Children> children = new ArrayList<>();
    /** Tables reached through two or more relations: a change there is answered with RESYNC. */
    final Set<String> deepTables = new HashSet<>();

    /** Every table whose change can concern this group; batches touching none of them are skipped. */
    final Set<String> tables = new HashSet<>();

    ScopeGroup(Key key) {
        this.key = key;
        ScopeRelations relations = ScopeRelations.of(key.condition());
        parents.addAll(relations.parents());
        children.addAll(relations.children());
        deepTables.addAll(relations.deepTables());
        tables.add(key.table().tableName());
        parents.forEach(p -> tables.add(p.target().tableName()));
        children.forEach(c -> tables.add(c.child().tableName()));
        tables.addAll(deepTables);
    }

    boolean concerns(ChangeBatch batch) {
        for (String table : tables) {
            if (!batch.rowsOf(table).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    SyncTable table() {
        return key.table();
    }

    Condition condition() {
        return key.condition();
    }
}
