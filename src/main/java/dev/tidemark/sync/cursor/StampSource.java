package dev.tidemark.sync.cursor;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Takes the base of scope stamps (a {@link SyncCursor} and the database incarnation) in one
 * statement, and reads whether the change log still covers a stamp.
 */
@ApplicationScoped
public class StampSource {

    @Inject
    EntityManager em;

    /**
     * The cursor of the current statement's snapshot, the database incarnation, and the log's pruned
     * horizon (the largest transaction id whose entries were deleted), read together.
     */
    public Base current() {
        Object[] row = (Object[]) em.createNativeQuery("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                + "statement_timestamp(), sync_incarnation(), (select pruned_through::text::bigint from sync_log_horizon)")
                .getSingleResult();
        return new Base(new SyncCursor(((Number) row[0]).longValue(), toInstant(row[1])), (UUID) row[2],
                row[3] == null ? Long.MAX_VALUE : ((Number) row[3]).longValue());
    }

    /**
     * @param cursor the snapshot's watermark and time
     * @param incarnation the database incarnation
     * @param prunedThrough the largest transaction id whose log entries were deleted
     */
    public record Base(SyncCursor cursor, UUID incarnation, long prunedThrough) {

        public ScopeStamp stamp(String scopeKey) {
            return new ScopeStamp(incarnation, scopeKey, cursor);
        }
    }

    private static Instant toInstant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return (Instant) value;
    }
}
