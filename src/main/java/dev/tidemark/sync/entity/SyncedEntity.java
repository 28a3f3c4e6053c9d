package dev.tidemark.sync.entity;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.hibernate.annotations.DynamicUpdate;

/**
 * Base of every synced row: a client-made uid, timestamps, a tombstone and a server version.
 *
 * <p>{@code version} is assigned by the database (trigger {@code sync_bump_version}) on every
 * insert and update, whatever the write path. Hibernate never writes it and does not read it
 * back on its own (a generated value would stop JDBC batching, which sync relies on): whoever
 * needs the new version re-reads the row ({@code RowWriter.write}).
 * Updates only write the columns that changed ({@link DynamicUpdate}), so a stale copy of a row
 * never overwrites a tombstone set by a cascade in the same transaction.
 *
 * <p>Entities are plain JPA (no Panache active record) because they double as GraphQL output
 * types, and active-record methods would leak into the schema; the engine works through the
 * {@code EntityManager}.
 */
@MappedSuperclass
@DynamicUpdate
@EntityListeners(TombstoneCascadeListener.class)
public abstract class SyncedEntity {

    @Id
    @Column(name = "uid", nullable = false, updatable = false)
    @NonNull
    @Description("Primary key, made by the client (UUID).")
    public UUID uid;

    @Column(name = "created_at", nullable = false, updatable = false)
    @NonNull
    @Description("When the row was created (client time, clamped to server time).")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    @NonNull
    @Description("When the row was last changed (client time, clamped to server time); last-writer-wins compares it.")
    public OffsetDateTime updatedAt;

    @Column(name = "deleted_at")
    @Description("Set when the row is deleted (tombstone); null for a live row.")
    public OffsetDateTime deletedAt;

    @Column(name = "version", nullable = false, insertable = false, updatable = false)
    @Description("Server-assigned version, increased on every write of the row; newer rows have larger versions.")
    public long version;

    @Ignore
    public boolean isDeleted() {
        return deletedAt != null;
    }
}
