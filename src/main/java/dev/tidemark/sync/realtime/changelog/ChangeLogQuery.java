package dev.tidemark.sync.realtime.changelog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tidemark.sync.cursor.SyncCursor;
import dev.tidemark.sync.entity.SyncedEntity;

/**
 * The opening of one change-log read, in one round trip to the database: the read-only
 * repeatable-read setting of its transaction, the snapshot's cursor and the database incarnation,
 * the transactions with entries the reader has not read, and those entries when they all fit in one
 * batch, each with its row when asked for ({@link OpeningRows}: the row's {@code to_jsonb} in the same
 * snapshot). The statements are sent together (one {@code Sync}) and all see the transaction's
 * snapshot, which its first {@code select} takes. When the entries do not fit, the reader chooses
 * whole transactions and loads theirs with {@link #entries} (and the batch its rows with a statement
 * per table).
 */
final class ChangeLogQuery {

    /** Unread entries: two parameters, the watermark and the transactions read at or above it. */
    private static final String PENDING_WHERE = "tx >= cast(? as xid8) and not (tx = any(cast(? as xid8[])))";
    private static final Comparator<ChangeLogEntry> LOG_ORDER = Comparator.comparingLong(ChangeLogEntry::id);
    static final String ENTRY_COLUMNS = "id, tx::text, table_name, row_uid, row_version, old_row::text, changed_at";

    /**
     * The opening's selects are planned once per connection, not at every read. Their parameters (the
     * watermark, the transactions read) kept PostgreSQL on custom plans, planned again at each
     * execution: 0.5 ms of planning against 0.1 ms of execution per read, most of the opening's time
     * at 200 writes/s (pg_stat_statements; docs/benchmarks.md). A generic plan is made for any
     * watermark, from an estimate (a third of the log matches {@code tx >= ?}), so the statements are
     * written for that: the log's {@code tx} index is the only index that serves their conditions, and
     * nothing asks for the log in id order (the entries are sorted here; with {@code order by id} the
     * generic plan walked the whole log by its primary key: 43 ms for a read of 220,000 entries, and a
     * read's cost grew with the log); sequential scans, parallel workers and JIT (which that estimate
     * made a read of no entry take 70 ms) are off. Local to the opening: {@link #RESTORE} puts back the
     * connection's own planning for the rest of the read's transaction, which ends them anyway.
     */
    static final String PLANS = " set local plan_cache_mode = force_generic_plan; set local enable_seqscan = off;"
            + " set local max_parallel_workers_per_gather = 0; set local jit = off;";
    private static final String RESTORE = "; set local plan_cache_mode to default; set local enable_seqscan to default;"
            + " set local max_parallel_workers_per_gather to default; set local jit to default";

    /** A transaction with unread entries: its id, how many entries it wrote, and its first log id. */
    record Pending(long tx, long count, long first) {
    }

    /**
     * What the opening statement saw.
     *
     * @param snapshot the snapshot's xmin and the database clock
     * @param incarnation the database incarnation (null when the unlogged table was emptied)
     * @param pending unread transactions by first log id
     * @param entries every pending entry in log order, or null when they were more than the batch
     * @param rows the rows those entries name, by table (each table {@link OpeningRows} reads) and uid;
     *        null when the entries are, or when rows were not asked for
     */
    record Opening(SyncCursor snapshot, UUID incarnation, List<Pending> pending, List<ChangeLogEntry> entries,
            Map<String, Map<UUID, SyncedEntity>> rows) {
    }

    private ChangeLogQuery() {
    }

    /** The opening's text, with the entries' row column of {@code rows}: the same for every read of one process. */
    static String text(OpeningRows rows) {
        return "set transaction isolation level repeatable read, read only;" + PLANS
                + " select pg_snapshot_xmin(pg_current_snapshot())::text::bigint, statement_timestamp(),"
                + " (select id from sync_incarnation), p.tx::text, p.n, p.first"
                + " from (select 1) s left join (select tx, count(*) n, min(id) first from sync_change where " + PENDING_WHERE
                + " group by tx) p on true order by p.first;"
                // The entries only when every pending one fits: else the count's one-time filter skips the scan.
                // Their rows are read above a fenced subquery (offset 0): the entries' plan stays the one
                // without them (the tx index); with the rows' lookups in the same select list, PostgreSQL
                // chose a walk of the whole log in id order when its statistics were stale.
                + " select e.*, " + rows.column() + " from (select " + ENTRY_COLUMNS + " from sync_change where "
                + PENDING_WHERE + " and (select count(*) from sync_change where " + PENDING_WHERE + ") <= ? offset 0) e"
                + RESTORE;
    }

    /**
     * Runs the opening statements ({@link #text} of {@code named}); must be the first of its
     * transaction. With {@code loadRows} false the entries come without their rows.
     */
    static Opening open(Connection connection, String text, OpeningRows named, long watermark, String seen, int maxBatch,
            boolean loadRows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(text)) {
            int p = 1;
            statement.setString(p++, String.valueOf(watermark));
            statement.setString(p++, seen);
            if (named.hasParameter()) {
                statement.setBoolean(p++, loadRows);
            }
            for (int i = 0; i < 2; i++) {
                statement.setString(p++, String.valueOf(watermark));
                statement.setString(p++, seen);
            }
            statement.setLong(p, maxBatch);
            statement.execute();
            SyncCursor snapshot = null;
            UUID incarnation = null;
            List<Pending> pending = new ArrayList<>();
            try (ResultSet rows = nextResultSet(statement)) {
                while (rows.next()) {
                    snapshot = new SyncCursor(rows.getLong(1), rows.getObject(2, OffsetDateTime.class).toInstant());
                    incarnation = rows.getObject(3, UUID.class);
                    String tx = rows.getString(4);
                    if (tx != null) {
                        pending.add(new Pending(Long.parseLong(tx), rows.getLong(5), rows.getLong(6)));
                    }
                }
            }
            boolean fits = pending.stream().mapToLong(Pending::count).sum() <= maxBatch;
            Map<String, Map<UUID, SyncedEntity>> read = fits && loadRows ? named.empty() : null;
            List<ChangeLogEntry> entries;
            try (ResultSet rows = nextResultSet(statement)) {
                entries = entries(rows, named, read);
            }
            entries.sort(LOG_ORDER);
            return new Opening(snapshot, incarnation, pending, fits ? entries : null, read);
        }
    }

    /** The statement's next result set, past update counts (the {@code set transaction}'s). */
    private static ResultSet nextResultSet(PreparedStatement statement) throws SQLException {
        while (!statement.getMoreResults()) {
            if (statement.getUpdateCount() == -1) {
                throw new SQLException("the change-log read returned fewer result sets than it sent statements");
            }
        }
        return statement.getResultSet();
    }

    /** The entries of {@code transactions}, in log order (a batch that did not fit in the opening). */
    static List<ChangeLogEntry> entries(Connection connection, String transactions) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select " + ENTRY_COLUMNS
                + " from sync_change where tx = any(cast(? as xid8[])) order by id")) {
            statement.setString(1, transactions);
            try (ResultSet rows = statement.executeQuery()) {
                return entries(rows, null, null);
            }
        }
    }

    /** The entries of {@code rows}, and their rows into {@code read} when not null (the opening's eighth column). */
    private static List<ChangeLogEntry> entries(ResultSet rows, OpeningRows named, Map<String, Map<UUID, SyncedEntity>> read)
            throws SQLException {
        List<ChangeLogEntry> entries = new ArrayList<>();
        while (rows.next()) {
            OffsetDateTime at = rows.getObject(7, OffsetDateTime.class);
            ChangeLogEntry entry = new ChangeLogEntry(rows.getLong(1), Long.parseLong(rows.getString(2)), rows.getString(3),
                    rows.getObject(4, UUID.class), rows.getLong(5), rows.getString(6), at == null ? null : at.toInstant());
            entries.add(entry);
            if (read != null) {
                named.add(entry.table(), entry.uid(), rows.getString(8), read);
            }
        }
        return entries;
    }
}
