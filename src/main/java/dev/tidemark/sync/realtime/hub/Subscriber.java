package dev.tidemark.sync.realtime.hub;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.json.JsonObject;

/**
 * One live subscription: the sink (client connection) and operation id it belongs to, its group,
 * and the key of its selection set (events are serialised once per key and batch, see
 * {@link EventRenderer}).
 *
 * <p>It holds no event queue of its own: a frame is handed to its sink as soon as the event is
 * decided. A client that reads slower than changes arrive lets frames wait there, up to
 * {@code tidemark.realtime.max-queued-bytes-per-connection} for the whole connection; over it the
 * connection is closed (1013) and the client resubscribes and syncs.
 */
public final class Subscriber {

    final EventSink sink;
    final String id;
    /** The subscribe payload (document, variables, operation name), executed to serialise an event for this selection set. */
    final JsonObject request;
    /** Normalised selection set (document without the root field's arguments) and the variables it uses. */
    final String renderKey;
    final ScopeGroup.Key groupKey;
    /** The cursor of READY, taken before the subscriber joins its group. */
    final String readyCursor;
    /** How its events are written without an execution ({@link DirectEvents}), once made. */
    DirectEvents.Plan directPlan;
    /** {@code {"id":"<id>","type":"next","payload":}}: the envelope, the payload and "}" make one frame. */
    private final String prefix;
    private final AtomicBoolean terminated = new AtomicBoolean();

    Subscriber(EventSink sink, String id, JsonObject request, String renderKey, ScopeGroup.Key groupKey, String readyCursor) {
        this.sink = sink;
        this.id = id;
        this.request = request;
        this.renderKey = renderKey;
        this.groupKey = groupKey;
        this.readyCursor = readyCursor;
        this.prefix = sink.nextPrefix(id);
    }

    /** The operation id the client subscribed with. */
    public String id() {
        return id;
    }

    /**
     * Writes one event (its serialised {@code payload}); false if the sink is gone and the
     * subscription must be removed. Synchronised with {@link SubscriptionHub#start}, which joins
     * this subscriber and queues its READY: no event is queued before READY.
     */
    synchronized boolean next(String payload) {
        return terminated.get() || sink.send(prefix + payload + "}");
    }

    /** Marks the subscription ended; true the first time only. */
    boolean terminate() {
        return terminated.compareAndSet(false, true);
    }
}
