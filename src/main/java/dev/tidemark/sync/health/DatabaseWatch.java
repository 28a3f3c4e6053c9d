package dev.tidemark.sync.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Knows whether the database answers, by asking one pool connection it keeps every
 * {@code tidemark.database.check-interval} (a second) to answer within a second. When it stops
 * answering, the pool's idle connections are closed at once: they are as dead as this one, and each
 * would otherwise be checked before use for up to {@code validation-query-timeout}, one after the
 * other, while a request waits. When it answers again, whoever asked is told at once (the change-log
 * listener reconnects then). Readiness reads it without touching the database.
 */
@ApplicationScoped
public class DatabaseWatch {

    private static final Logger LOG = Logger.getLogger(DatabaseWatch.class);
    private static final int ANSWER_WITHIN_SECONDS = 1;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TidemarkConfig config;

    private final List<Runnable> whenBack = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;
    private volatile boolean running;
    private Instant downSince;
    private Connection held;
    private Thread thread;

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "tidemark-database-watch");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Whether the database answered the last check. */
    public boolean up() {
        return up;
    }

    /** Runs {@code action} (on the watch's thread) each time the database answers again after an outage. */
    public void whenBack(Runnable action) {
        whenBack.add(action);
    }

    private void run() {
        long interval = Math.max(100, config.database().checkInterval().toMillis());
        while (running) {
            check();
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                break;
            }
        }
        release();
    }

    /** One check; package-private for tests. */
    void check() {
        try {
            if (held == null) {
                held = dataSource.getConnection();
            }
            if (!held.isValid(ANSWER_WITHIN_SECONDS)) {
                throw new SQLException("a connection did not answer within " + ANSWER_WITHIN_SECONDS + " s");
            }
            if (!up) {
                up = true;
                LOG.infof("The database answers again, after %d ms", Duration.between(downSince, Instant.now()).toMillis());
                whenBack.forEach(Runnable::run);
            }
        } catch (SQLException | RuntimeException e) {
            release();
            if (up) {
                up = false;
                downSince = Instant.now();
                LOG.warnf("The database does not answer (%s); closing the pool's idle connections", e.getMessage());
                dataSource.flush(AgroalDataSource.FlushMode.IDLE);
            }
        }
    }

    private void release() {
        if (held != null) {
            try {
                held.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("Closing the watch's connection: %s", e.getMessage());
            }
            held = null;
        }
    }
}
