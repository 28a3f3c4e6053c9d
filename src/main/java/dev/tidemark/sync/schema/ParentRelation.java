package dev.tidemark.sync.schema;

import dev.tidemark.sync.entity.SyncedEntity;

/**
 * A many-to-one reference from a row to its parent ({@code UserGroup.group} → {@code Group}).
 *
 * @param field name of the relation field ({@code group})
 * @param foreignKey the column holding the parent's uid ({@code groupUid})
 * @param target the parent entity
 * @param cascade whether tombstoning the parent tombstones this row
 */
public record ParentRelation(String field, SyncColumn foreignKey, Class<? extends SyncedEntity> target, boolean cascade) {
}
