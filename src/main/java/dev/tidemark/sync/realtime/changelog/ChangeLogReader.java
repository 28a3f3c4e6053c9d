package dev.tidemark.sync.realtime.changelog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;

import dev.tidemark.sync.cursor.CursorSource;
import dev.tidemark.sync.cursor.SyncCursor;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncRegistry;

/**
 * Reads the change log without gaps (docs/design.md §5). Entries are selected by the writing
 * transaction's id, never by "log id greater than the last one seen": the reader keeps a
 * watermark {@code xmin} (every transaction below it has ended and was read) and the ids of the
 * transactions at or above it that it has already read. Each read runs in a repeatable-read
 * snapshot and returns every entry that snapshot sees and the reader has not; afterwards the
 * watermark becomes the snapshot's xmin. A transaction that took its log id first but commits
 * last is above the watermark until it commits, so it is read then.
 *
 * <p>The watermark and the read transaction ids belong to one history of the database: a restore
 * from a backup, a promoted asynchronous standby or a crash with {@code synchronous_commit = off}
 * may lose a tail of committed transactions, and the ids they had are handed out again. So the
 * reader remembers the database incarnation (docs/design.md, "Reconnect from the change log": an
 * id in an unlogged table, emptied by every such event) and checks it in every read; when it
 * changed, nothing it holds is trusted: it starts again at the current snapshot and every
 * subscription is told to {@code RESYNC}.
 *
 * <p>Not thread-safe: one tailer thread owns it.
 */
@ApplicationScoped
public class ChangeLogReader {

    @Inject
    EntityManager em;

    @Inject
    CursorSource cursors;

    @Inject
    SessionFactory sessions;

    @Inject
    SyncRegistry registry;

    /** How the opening reads the entries' rows, and the opening's text: made on first use (the mapping does not change). */
    private OpeningRows openingRows;
    private String openingText;

    private long watermark = -1;
    private final Set<Long> read = new HashSet<>();
    private volatile SyncCursor cursor;
    /** The database incarnation the watermark and the read ids belong to. */
    private UUID incarnation;

    /**
     * Starts at the current snapshot: changes committed before it are the business of sync, not of
     * events. Must run in a transaction that may write (the incarnation is made on first use).
     */
    public void start() {
        cursor = cursors.current();
        watermark = cursor.xmin();
        incarnation = currentIncarnation();
    }

    /**
     * Adopts the database's incarnation after a read found it changed ({@link Read#otherHistory}):
     * makes it if nobody has since the event that emptied it. Must run in a transaction that may write.
     */
    public void adoptIncarnation() {
        incarnation = currentIncarnation();
    }

    private UUID currentIncarnation() {
        return (UUID) em.createNativeQuery("select sync_incarnation()").getSingleResult();
    }

    /** Position up to which every change was delivered (the READY event's cursor). */
    public SyncCursor cursor() {
        return cursor;
    }

    /**
     * The result of one read: its entries, and the reader state to adopt once they are delivered.
     *
     * @param entries entries in log order
     * @param transactions the transactions this read covers (their entries, or their bulk flag)
     * @param bulk whether a transaction too large to load was skipped (subscribers must resync)
     * @param more whether visible transactions were left for the next read (the batch was full)
     * @param watermark the new xmin: the snapshot's, or the oldest transaction left unread
     * @param cursor the cursor of the events of these entries
     * @param otherHistory whether the database's incarnation changed since the reader's last read: the
     *        read holds nothing, every subscription must resync, and the reader starts again at this
     *        snapshot once {@link #advance}d (then {@link #adoptIncarnation})
     * @param rows the rows the entries name, by table name, read in the same snapshot; null when they were
     *        not asked for or the entries did not fit in the opening (then {@link BatchLoad} reads them)
     */
    public record Read(List<ChangeLogEntry> entries, Set<Long> transactions, boolean bulk, boolean more, long watermark,
            SyncCursor cursor, boolean otherHistory, Map<String, Map<UUID, SyncedEntity>> rows) {
    }

    /**
     * Entries visible now and not read before, in log order. Nothing moves until {@link #advance}
     * is called after they were delivered, so a failed delivery is read again. Must be the first
     * statement of a transaction the caller opened on {@code connection} (autocommit off): it makes
     * that transaction repeatable-read and read-only. One round trip to the database
     * ({@link ChangeLogQuery}), two when the unread entries are more than {@code maxBatch}. With
     * {@code loadRows}, the opening also reads the rows the entries name ({@link Read#rows}).
     */
    public Read next(Connection connection, int maxBatch, boolean loadRows) throws SQLException {
        OpeningRows rows = openingRows();
        ChangeLogQuery.Opening opening = ChangeLogQuery.open(connection, openingText, rows, watermark, ids(read),
                maxBatch, loadRows);
        SyncCursor snapshot = opening.snapshot();
        if (!Objects.equals(incarnation, opening.incarnation())) {
            // Another history (emptied unlogged table, or another id): ids read before may be reused.
            return new Read(List.of(), Set.of(), true, false, snapshot.xmin(), snapshot, true, null);
        }
        return choose(opening, maxBatch, connection);
    }

    /**
     * Whole transactions, oldest first, until the batch is full; memory never holds more than
     * maxBatch entries however much was written while nobody read.
     */
    private Read choose(ChangeLogQuery.Opening opening, int maxBatch, Connection connection) throws SQLException {
        Set<Long> chosen = new HashSet<>();
        List<Long> load = new ArrayList<>();
        boolean bulk = false;
        long loaded = 0;
        Long firstLeft = null;
        for (ChangeLogQuery.Pending tx : opening.pending()) {
            if (tx.count() > maxBatch) {
                bulk = true; // announced as RESYNC, never loaded
                chosen.add(tx.tx());
            } else if (loaded + tx.count() <= maxBatch) {
                loaded += tx.count();
                chosen.add(tx.tx());
                load.add(tx.tx());
            } else if (firstLeft == null || tx.tx() < firstLeft) {
                firstLeft = tx.tx();
            }
        }
        List<ChangeLogEntry> entries = opening.entries();
        if (entries == null) {
            entries = load.isEmpty() ? List.of() : ChangeLogQuery.entries(connection, ids(load));
        }
        long xmin = Math.max(watermark, opening.snapshot().xmin());
        if (firstLeft != null) {
            xmin = Math.min(xmin, firstLeft); // a transaction left unread keeps the watermark below it
        }
        return new Read(entries, chosen, bulk, firstLeft != null, xmin, new SyncCursor(xmin, opening.snapshot().at()), false,
                opening.rows());
    }

    private static String ids(Collection<Long> transactions) {
        return transactions.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    /** The watermark: every transaction below it has ended and was read. */
    long watermark() {
        return watermark;
    }

    /** Whether the entries of transaction {@code tx} (committed) were not read yet. */
    boolean unread(long tx) {
        return tx >= watermark && !read.contains(tx);
    }

    /**
     * Makes a transaction marked read unread again, and the watermark no higher than it: the next read
     * of the log reads it whole (and the transactions read since it was, again: their events twice).
     */
    void reread(long tx) {
        read.remove(tx);
        watermark = Math.min(watermark, tx);
    }

    /** How the opening reads the entries' rows (made on first use: the mapping does not change). */
    OpeningRows openingRows() {
        if (openingText == null) {
            openingRows = new OpeningRows(sessions.unwrap(SessionFactoryImplementor.class), registry.all());
            openingText = ChangeLogQuery.text(openingRows);
        }
        return openingRows;
    }

    /** Marks a read as delivered: its transactions are not read again, and the watermark moves. */
    public void advance(Read delivered) {
        if (delivered.otherHistory()) {
            read.clear();
        }
        read.addAll(delivered.transactions());
        read.removeIf(tx -> tx < delivered.watermark());
        watermark = delivered.watermark();
        cursor = delivered.cursor();
    }
}
