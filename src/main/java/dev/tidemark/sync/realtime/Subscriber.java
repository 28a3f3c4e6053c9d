package dev.tidemark.sync.realtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;

/**
 * One live subscription: the connection and operation id it belongs to, its group, and the key of
 * its selection set (events are serialised once per key and batch, see {@link EventRenderer}).
 *
 * <p>It holds no event queue: a frame is handed to the socket as soon as the event is decided, and
 * the socket's write buffer grows only while the client reads slower than changes arrive. A client
 * that falls more than {@code tidemark.realtime.subscriber-buffer} frames behind gets an
 * {@code error} for this subscription (LIMIT_EXCEEDED) and must resubscribe and sync.
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
    private final AtomicInteger pending = new AtomicInteger();
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

    /** Writes one event (its serialised {@code payload}); false if the subscription failed and must be removed. */
    boolean next(String payload) {
        if (terminated.get()) {
            return true;
        }
        if (pending.incrementAndGet() > connection.bufferLimit()) {
            connection.sendError(id, GraphQLWsEndpoint.limitError("this subscription fell more than " + connection.bufferLimit()
                    + " events behind (tidemark.realtime.subscriber-buffer); subscribe again and sync"));
            connection.forget(id, this);
            return false;
        }
        connection.write(prefix + payload + "}", pending);
        return true;
    }

    /** Marks the subscription ended; true the first time only. */
    boolean terminate() {
        return terminated.compareAndSet(false, true);
    }

    boolean isTerminated() {
        return terminated.get();
    }
}
