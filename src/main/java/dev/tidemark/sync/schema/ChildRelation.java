package dev.tidemark.sync.schema;

import dev.tidemark.sync.entity.SyncedEntity;

/**
 * A one-to-many relation seen from the parent ({@code User.memberships} → {@code UserGroup.user}).
 *
 * @param field name of the collection field on the parent ({@code memberships})
 * @param child the child entity
 * @param parentField the child's many-to-one field that points back ({@code user})
 */
public record ChildRelation(String field, Class<? extends SyncedEntity> child, String parentField) {
}
