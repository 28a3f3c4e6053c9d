package dev.tidemark.sync.cursor;

import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** Takes a {@link SyncCursor} from the current database snapshot. */
@ApplicationScoped
public class CursorSource {

    @Inject
    EntityManager em;

    /**
     * The cursor of the snapshot the current statement sees: its xmin, and the database clock.
     * Inside a repeatable-read transaction this is the transaction's snapshot.
     */
    public SyncCursor current() {
        Object[] row = (Object[]) em.createNativeQuery(
                "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint, statement_timestamp()")
                .getSingleResult();
        return new SyncCursor(((Number) row[0]).longValue(), toInstant(row[1]));
    }

    private static java.time.Instant toInstant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return (java.time.Instant) value;
    }
}
