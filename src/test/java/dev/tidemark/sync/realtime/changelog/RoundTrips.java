package dev.tidemark.sync.realtime.changelog;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts the round trips one thread makes to PostgreSQL, from the JDBC driver's own protocol log:
 * every wait for the server's answer ends a batch of messages with {@code Sync}, so the count of
 * {@code FE=> Sync} lines is the count of round trips, whatever made them (Hibernate, plain JDBC,
 * the transaction manager's commit). The pool's check of a connection idle for over a second (an
 * empty query) is not counted: it depends on timing, not on the code measured.
 */
final class RoundTrips extends Handler implements AutoCloseable {

    private static final Logger DRIVER = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

    private final Thread thread = Thread.currentThread();
    private final Level level = DRIVER.getLevel();
    private final List<String> messages = new ArrayList<>();
    private boolean validation;
    private int count;

    private RoundTrips() {
        setLevel(Level.ALL);
    }

    /** Starts counting the round trips of the calling thread. */
    static RoundTrips onThisThread() {
        RoundTrips trips = new RoundTrips();
        DRIVER.setLevel(Level.FINEST);
        DRIVER.addHandler(trips);
        return trips;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        String message = record.getMessage();
        if (Thread.currentThread() != thread || message == null || !message.contains("FE=>")) {
            return;
        }
        messages.add(message.strip());
        if (message.contains("query=\"\"")) {
            validation = true;
        } else if (message.contains("FE=> Sync")) {
            if (!validation) {
                count++;
            }
            validation = false;
        }
    }

    /** Round trips since the start or the last {@link #reset}. */
    synchronized int count() {
        return count;
    }

    synchronized void reset() {
        count = 0;
        messages.clear();
    }

    /** The driver's messages since the last reset, for a failure message. */
    @Override
    public synchronized String toString() {
        return count + " round trips:\n" + String.join("\n", messages);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        DRIVER.removeHandler(this);
        DRIVER.setLevel(level);
    }
}
