package dev.tidemark.sync.where;

/**
 * Base of every table's where-input: the sync columns every table has. A table's where adds its
 * own columns (with the filters of this package), its relations, and {@code and}/{@code or}/{@code not}
 * typed with itself. The fields' names must be the entity's field names; {@link WhereParser} checks.
 */
public abstract class SyncedWhere {
    public UuidFilter uid;
    public DateTimeFilter createdAt;
    public DateTimeFilter updatedAt;
    public DateTimeFilter deletedAt;
    public VersionFilter version;
}
