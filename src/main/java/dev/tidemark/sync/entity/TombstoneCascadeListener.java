package dev.tidemark.sync.entity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PostPersist;
import jakarta.persistence.PostUpdate;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;

/**
 * JPA listener on every synced entity: after a row is written as a tombstone, tombstones the
 * rows that declare {@link TombstoneCascade} on a reference to it; before a live row with such a
 * reference is written, refuses it if the parent is already a tombstone.
 *
 * <p>It runs on every Hibernate write path (mutations, sync, anything else that saves an entity).
 * The cascade itself is idempotent, so it may run again for a row that was already a tombstone.
 */
@ApplicationScoped
public class TombstoneCascadeListener {

    @Inject
    CascadeRules cascader;

    @PrePersist
    @PreUpdate
    void beforeWrite(SyncedEntity entity) {
        if (!entity.isDeleted()) {
            cascader.requireLiveParents(entity);
        }
    }

    @PostPersist
    @PostUpdate
    void afterWrite(SyncedEntity entity) {
        if (entity.isDeleted()) {
            cascader.cascadeFrom(entity);
        }
    }
}
