package dev.tidemark.sync.realtime.hub;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.tidemark.sync.metrics.SyncMetrics;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.realtime.ChangeOperation;

/**
 * Writes the events the hub decided, in batch order, on one delivery thread while the tailer reads
 * the next batch (one thread keeps every subscription's order). Each event is serialised once per
 * distinct selection set and identity ({@link Subscriber#renderKey}) by {@link EventRenderer}, and
 * the same JSON goes to every subscriber with that selection, whatever its where, wrapped in its
 * own {@code next} envelope.
 */
@ApplicationScoped
public class EventWriter {

    private static final Logger LOG = Logger.getLogger(EventWriter.class);
    static final String FAILED_CODE = "INTERNAL";
    static final String FAILED_MESSAGE = "the server could not decide or serialise an event of this subscription, so it"
            + " was ended; subscribe again and sync";
    /** Marks, in the per-batch cache, an event that could not be serialised for a selection. */
    private static final String UNRENDERABLE = new String("unrenderable");

    @Inject
    EventRenderer renderer;

    @Inject
    SyncMetrics metrics;

    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "tidemark-realtime-delivery");
        thread.setDaemon(true);
        return thread;
    });

    /** The events one group gets from one batch. */
    record Decided(ScopeGroup group, List<ChangeEvent<?>> events) {
    }

    /**
     * One serialised event: the selection set and identity it was rendered with (relation fields
     * show only what that identity may see) and what identifies the event within a batch.
     */
    private record Rendered(String renderKey, String identity, ChangeOperation operation, String uid, Long version,
            String cursor) {
    }

    /**
     * Queues the writing of {@code decided}; {@code gone} is called for each subscriber whose sink
     * refused a frame. {@code oldest}, when known, is when the batch's oldest change was written (lag metric).
     */
    void write(List<Decided> decided, Instant oldest, Consumer<Subscriber> gone) {
        delivery.execute(() -> {
            write(decided, gone);
            if (oldest != null) {
                metrics.batchDelivered(oldest);
            }
        });
    }

    /**
     * Ends {@code failed} subscriptions with an {@code INTERNAL} error, after the events already
     * queued for them; they were removed from their groups, so nothing follows.
     */
    void fail(List<Subscriber> failed) {
        delivery.execute(() -> failed.forEach(EventWriter::fail));
    }

    private static void fail(Subscriber subscriber) {
        subscriber.sink.fail(subscriber.id, FAILED_CODE, FAILED_MESSAGE);
    }

    private void write(List<Decided> decided, Consumer<Subscriber> gone) {
        Map<Rendered, String> rendered = new HashMap<>();
        int frames = 0;
        for (Decided d : decided) {
            for (ChangeEvent<?> event : d.events()) {
                for (Subscriber subscriber : d.group().subscribers) {
                    try {
                        if (send(subscriber, event, rendered, gone)) {
                            frames++;
                        }
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "Could not deliver a %s event of %s to subscription %s", event.operation,
                                d.group().table().tableName(), subscriber.id);
                    }
                }
            }
        }
        metrics.delivered(frames);
    }

    private boolean send(Subscriber subscriber, ChangeEvent<?> event, Map<Rendered, String> cache, Consumer<Subscriber> gone) {
        Rendered key = new Rendered(subscriber.renderKey, subscriber.sink.identity().key(), event.operation, event.uid,
                event.version, event.cursor);
        String payload = cache.get(key);
        if (payload == null) {
            try {
                payload = renderer.render(subscriber, event);
            } catch (RuntimeException e) {
                // once per selection and event, not once per subscriber: each of them is ended
                LOG.errorf(e, "Could not serialise a %s event for subscription %s; the subscriptions with its selection are ended",
                        event.operation, subscriber.id);
                payload = UNRENDERABLE;
            }
            cache.put(key, payload);
        }
        if (payload == UNRENDERABLE) {
            // A client missing an event would silently diverge: its subscription ends, it resubscribes and syncs.
            gone.accept(subscriber);
            fail(subscriber);
            return false;
        }
        if (!subscriber.next(payload)) {
            gone.accept(subscriber);
            return false;
        }
        return true;
    }

    @PreDestroy
    void stop() {
        delivery.shutdown();
    }
}
