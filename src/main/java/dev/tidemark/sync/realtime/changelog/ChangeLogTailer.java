package dev.tidemark.sync.realtime.changelog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.hibernate.SessionFactory;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.cursor.SyncCursor;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.health.DatabaseWatch;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Each instance's single reader of the change log: waits for a {@code NOTIFY sync_change} (or the
 * poll interval), reads the new entries with {@link ChangeLogReader}, loads the rows they name in
 * the same snapshot, and hands the batch to its {@link ChangeListener} (the subscription hub).
 * Also prunes entries older than the retention.
 */
@ApplicationScoped
public class ChangeLogTailer {

    private static final Logger LOG = Logger.getLogger(ChangeLogTailer.class);
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 1000;
    private static final int VALID_WITHIN_SECONDS = 2;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SessionFactory sessions;

    @Inject
    ChangeLogReader reader;

    @Inject
    SyncRegistry registry;

    @Inject
    ChangeListener hub;

    @Inject
    TidemarkConfig config;

    @Inject
    DatabaseWatch database;

    @Inject
    TailerWarmUp warmUp;

    private volatile boolean running;
    /** Whether this instance's connection is LISTENing. */
    private volatile boolean listening;
    /**
     * When the change log was last read (readiness; announced batches are delivered until a poll
     * interval later, as only reads move the watermark).
     */
    private volatile Instant lastRead = Instant.EPOCH;
    private Thread thread;
    private final AnnouncedChanges announced = new AnnouncedChanges();
    private volatile long announcedBatches;
    private Instant nextPrune = Instant.EPOCH;

    void onStart(@Observes StartupEvent event) {
        QuarkusTransaction.requiringNew().run(reader::start);
        if (!config.realtime().enabled()) {
            LOG.warn("tidemark.realtime.enabled=false: subscriptions on this instance receive no changes");
            return;
        }
        warmUp.run(); // Hibernate's query compilation at start, not on the first change while subscribers wait
        running = true;
        thread = new Thread(this::run, "tidemark-change-tailer");
        thread.setDaemon(true);
        database.whenBack(() -> LockSupport.unpark(thread)); // reconnect now rather than after the backoff
        thread.start();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        running = false;
        listening = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Realtime disabled on this instance (nothing to listen to). */
    boolean disabled() {
        return !config.realtime().enabled();
    }

    boolean listening() {
        return listening && running;
    }

    /** Position up to which every change was handed to the listener; null before the first read. */
    public String cursor() {
        SyncCursor cursor = reader.cursor();
        return cursor == null ? null : cursor.encode();
    }

    Instant lastRead() {
        return lastRead;
    }

    /** A tailer that has not read the log for this long is not ready (ten poll intervals, at least 30 s). */
    java.time.Duration staleAfter() {
        return java.time.Duration.ofMillis(Math.max(30_000, 10 * config.realtime().pollInterval().toMillis()));
    }

    /**
     * LISTENs and reads until the connection fails, then reconnects: after 100 ms, doubling up to
     * 1 s, or at once when the {@link DatabaseWatch} sees the database answer again (a connection is
     * checked before use: after a restart the pool may still hold dead ones). The first failure of an
     * outage is logged with its cause, the recovery with the outage's length.
     */
    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        Instant lost = null;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                if (!connection.isValid(VALID_WITHIN_SECONDS)) {
                    throw new java.sql.SQLException("the connection did not answer within " + VALID_WITHIN_SECONDS + " s");
                }
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen sync_change");
                }
                listening = true;
                PGConnection notifications = connection.unwrap(PGConnection.class);
                int wait = (int) Math.max(10, config.realtime().pollInterval().toMillis());
                boolean reconnected = lost != null;
                Runnable restore = PromptNotifications.apply(connection);
                try {
                    while (running) {
                        readBatch(connection);
                        if (reconnected) {
                            LOG.infof("Change-log listener reconnected and caught up, %d ms after it lost its connection",
                                    java.time.Duration.between(lost, lastRead).toMillis());
                            reconnected = false;
                            lost = null;
                            backoff = MIN_BACKOFF_MILLIS;
                        }
                        prune(connection);
                        while (running && deliverAnnounced(notifications.getNotifications(wait))) {
                            // until the notifications need a read of the log, or none came within the poll interval
                        }
                    }
                } finally {
                    restore.run(); // before the connection goes back to the pool
                }
            } catch (Exception e) {
                listening = false;
                if (running) {
                    if (lost == null) {
                        lost = Instant.now();
                        LOG.warn("Change-log listener lost its connection; reconnecting every second at most", e);
                    } else {
                        LOG.debugf("Change-log listener still without connection: %s", e.getMessage());
                    }
                    LockSupport.parkNanos(backoff * 1_000_000);
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                }
            }
        }
    }

    /**
     * Delivers the transactions of {@code received} from their announcements ({@link AnnouncedChanges}):
     * true when done, false when the log must be read (none received within the poll interval, a
     * transaction not wholly announced, a scope that needs a row the batch does not hold, or the last
     * read older than the poll interval: reads move the watermark and the cursor).
     */
    boolean deliverAnnounced(org.postgresql.PGNotification[] received) {
        if (received == null || received.length == 0 || !config.realtime().announcedChanges()) {
            return false;
        }
        ChangeLogReader.Read read = announced.read(received, reader, reader.openingRows(), config.realtime().maxBatch());
        if (read == null || Instant.now().isAfter(lastRead.plus(config.realtime().pollInterval()))) {
            return false;
        }
        if (!read.entries().isEmpty() && !hub.idle()) {
            try {
                hub.deliver(BatchLoad.load(() -> {
                    throw new ChangeBatch.NeedsRead();
                }, registry, read));
            } catch (ChangeBatch.NeedsRead e) {
                return false;
            }
            announcedBatches++;
        }
        announced.delivered(read, reader);
        return true;
    }

    /** Batches delivered from their announcements, without a read of the log (for tests). */
    long announcedBatches() {
        return announcedBatches;
    }

    /** {@link #readBatch(Connection)} on a connection of the pool (the tests' reads: the tailer thread uses its own). */
    void readBatch() {
        try (Connection connection = dataSource.getConnection()) {
            readBatch(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("the change log could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * One read: every entry now visible, delivered as one batch. If loading or delivering fails
     * (e.g. a deadlock with a TRUNCATE), the reader does not advance and the batch is read again;
     * subscribers may then get an event twice, which the version makes harmless.
     */
    void readBatch(Connection connection) throws SQLException {
        ChangeLogReader.Read read;
        do {
            read = readOnce(connection);
            reader.advance(read);
            lastRead = Instant.now();
            if (read.otherHistory()) {
                LOG.warn("The database's incarnation changed (a restore, a failover or a crash recovery): change-log positions"
                        + " read before are not trusted; every subscription was told to RESYNC");
                QuarkusTransaction.requiringNew().run(reader::adoptIncarnation);
            }
        } while (read.more());
    }

    /**
     * One transaction of {@code connection}, outside JTA: the reader's opening makes it repeatable-read
     * and read-only in PostgreSQL and reads the rows with the entries; related rows (and the rows of a
     * batch too large for the opening) are read in its snapshot by a stateless session on the same
     * connection (no persistence context: no loaded-state copy of a row, nothing to flush or
     * dirty-check at the commit). Its connection is in autocommit again afterwards (LISTEN, pruning).
     */
    private ChangeLogReader.Read readOnce(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        ChangeLogReader.Read next;
        try (LazySession session = new LazySession(sessions, connection)) {
            // With no subscription on this instance there is nobody to decide events for: the
            // rows are not loaded. A subscription made meanwhile syncs after READY (I7). One made
            // during the opening is decided for, its rows read by BatchLoad.
            next = reader.next(connection, config.realtime().maxBatch(), !hub.idle());
            if (!next.entries().isEmpty() && !hub.idle()) {
                hub.deliver(BatchLoad.load(session, registry, next));
            }
            if (next.bulk()) {
                hub.resyncAll(next.cursor().encode());
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException | RuntimeException rollback) {
                e.addSuppressed(rollback); // a lost connection: the tailer reconnects
            }
            throw e;
        }
        connection.setAutoCommit(true);
        return next;
    }

    private void prune(Connection connection) throws java.sql.SQLException {
        Instant now = Instant.now();
        if (now.isBefore(nextPrune)) {
            return;
        }
        long seconds = Math.max(1, config.realtime().retention().toSeconds());
        nextPrune = now.plusSeconds(Math.min(60, seconds));
        try (Statement statement = connection.createStatement()) {
            int deleted = statement.executeUpdate("delete from sync_change where changed_at < now() - interval '"
                    + seconds + " seconds'");
            if (deleted > 0) {
                LOG.debugf("Pruned %d change-log entries older than %d s", deleted, seconds);
            }
        }
    }
}
