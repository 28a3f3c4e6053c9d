package dev.tidemark.sync.schema;

import java.util.List;
import java.util.Map;

import dev.tidemark.sync.entity.SyncedEntity;

/**
 * What the engine knows of one synced table, derived from its entity class.
 *
 * @param typeName GraphQL type name ({@code Group})
 * @param entityName JPQL entity name ({@code AppGroup})
 * @param tableName SQL table name ({@code app_group})
 * @param entityClass the entity
 * @param columns columns by field name, sync columns included
 * @param parents many-to-one relations by field name
 * @param children one-to-many relations by field name
 * @param deleteWins conflict policy: a tombstone wins over a concurrent update
 *        ({@link dev.tidemark.sync.entity.ConflictPolicy})
 */
public record SyncTable(String typeName, String entityName, String tableName, Class<? extends SyncedEntity> entityClass,
        Map<String, SyncColumn> columns, Map<String, ParentRelation> parents, Map<String, ChildRelation> children,
        boolean deleteWins) {

    public SyncColumn column(String field) {
        return columns.get(field);
    }

    /** The parent relations whose foreign key is stored in the given column, if any. */
    public List<ParentRelation> parentsByForeignKey(String field) {
        return parents.values().stream().filter(p -> p.foreignKey().field().equals(field)).toList();
    }
}
