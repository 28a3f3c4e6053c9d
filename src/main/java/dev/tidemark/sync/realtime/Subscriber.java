package dev.tidemark.sync.realtime;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.json.JsonObject;

/**
 * One live subscription: the connection and operation id it belongs to, its group, and the key of
 * its selection set (events are serialised once per key and batch, see {@link EventRenderer}).
 *
 * <p>It holds no event queue of its own: a frame is handed to its connection's
 * {@link ConnectionOutbox} as soon as the event is decided. A client that reads slower than changes
 * arrive lets frames wait there, up to {@code tidemark.realtime.max-queued-bytes-per-connection}
 * for the whole connection; over it the connection is closed (1013) and the client resubscribes and
 * syncs.
 */
final class Subscriber {

    final ClientConnection connection;
    final String id;
    /** The subscribe payload (document, variables, operation name), executed to serialise an event for this selection set. */
    final JsonObject request;
    /** Normalised selection set (document without the root field's arguments) and the variables it uses. */
    final String renderKey;
    final ScopeGroup.Key groupKey;
    /** The cursor of READY, taken before the subscriber joins its group. */
    final String readyCursor;
    /** {@code {"id":"<id>","type":"next","payload":}}: the envelope, the payload and "}" make one frame. */
    private final String prefix;
    private final AtomicBoolean terminated = new AtomicBoolean();

    Subscriber(ClientConnection connection, String id, JsonObject request, String renderKey, ScopeGroup.Key groupKey, String readyCursor) {
        this.connection = connection;
        this.id = id;
        this.request = request;
        this.renderKey = renderKey;
        this.groupKey = groupKey;
        this.readyCursor = readyCursor;
        this.prefix = connection.nextPrefix(id);
    }

    /**
     * Writes one event (its serialised {@code payload}); false if the connection is gone and the
     * subscription must be removed. Synchronised with the block that joins this subscriber and
     * queues its READY ({@link OperationRunner}): no event is queued before READY.
     */
    synchronized boolean next(String payload) {
        return terminated.get() || connection.send(prefix + payload + "}");
    }

    /** Marks the subscription ended; true the first time only. */
    boolean terminate() {
        return terminated.compareAndSet(false, true);
    }

    boolean isTerminated() {
        return terminated.get();
    }
}
