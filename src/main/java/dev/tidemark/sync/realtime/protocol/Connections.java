package dev.tidemark.sync.realtime.protocol;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.tidemark.sync.metrics.SyncMetrics;
import dev.tidemark.sync.realtime.hub.SubscriptionHub;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The open realtime connections of this instance: their gauges, and their closing on shutdown
 * with {@link #CLOSE_SERVICE_RESTART}, so clients reconnect (through the load balancer, elsewhere).
 */
@ApplicationScoped
public class Connections {

    /** WebSocket close code sent on shutdown: 1012 "Service Restart" — reconnect, possibly elsewhere. */
    public static final int CLOSE_SERVICE_RESTART = 1012;

    private static final Logger LOG = Logger.getLogger(Connections.class);

    @Inject
    SubscriptionHub hub;

    @Inject
    SyncMetrics metrics;

    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    void onStart(@Observes StartupEvent event) {
        metrics.realtimeGauges(() -> hub.size()[1], open::size, this::queuedBytes);
    }

    /**
     * SIGTERM with {@code quarkus.shutdown.delay} set: the HTTP server still runs, so sockets can be
     * closed with a code before Quarkus closes them itself (with 1000).
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        shutdown();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        shutdown();
    }

    /** A connection opened; false (and it is closed with 1012) if this instance is shutting down. */
    boolean opened(ClientConnection connection) {
        open.add(connection);
        if (closing) {
            connection.close(CLOSE_SERVICE_RESTART, "server shutting down; reconnect");
            return false;
        }
        return true;
    }

    void closed(ClientConnection connection) {
        open.remove(connection);
    }

    /** Bytes waiting to be written to the sockets of this instance, all connections together. */
    public long queuedBytes() {
        long bytes = 0;
        for (ClientConnection connection : open) {
            bytes += connection.queuedBytes();
        }
        return bytes;
    }

    /** Stops accepting subscriptions and connections, and closes every client connection with 1012. */
    public synchronized void shutdown() {
        if (closing) {
            return;
        }
        closing = true;
        hub.shutdown();
        LOG.infof("Closing %d realtime connection(s) with code %d", open.size(), CLOSE_SERVICE_RESTART);
        for (ClientConnection connection : open) {
            connection.close(CLOSE_SERVICE_RESTART, "server shutting down; reconnect");
        }
    }
}
