package dev.tidemark.sync.realtime.hub;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>A small batch (at most {@link #INLINE_FRAMES} frames, every one written without an execution,
 * {@link DirectEvents}) is written on the calling (tailer's) thread when nothing is queued for or
 * running on the delivery thread: the hand-off would cost more than the writing (a thread wake-up,
 * 0.08–0.09 ms of a distinct-scope event's ~0.9 ms on the server; docs/benchmarks.md). Writes never
 * overlap (one lock), and a batch is written inline only after everything queued before it was
 * written, so the order is the delivery thread's.
 */
@ApplicationScoped
public class EventWriter {

    private static final Logger LOG = Logger.getLogger(EventWriter.class);
    static final String FAILED_CODE = "INTERNAL";
    static final String FAILED_MESSAGE = "the server could not decide or serialise an event of this subscription, so it"
            + " was ended; subscribe again and sync";
    /** Marks, in the per-batch cache, an event that could not be serialised for a selection. */
    private static final String UNRENDERABLE = new String("unrenderable");
    /** The most frames a batch written on the caller's thread may hold. */
    public static final int INLINE_FRAMES = 16;
    /** Batches written on the caller's thread since the process started (tests read it). */
    private static final LongAdder INLINE = new LongAdder();

    @Inject
    EventRenderer renderer;

    @Inject
    SyncMetrics metrics;

    /** Tasks queued for or running on the delivery thread. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Held while a batch is written, on either thread. */
    private final ReentrantLock writing = new ReentrantLock();

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
        Runnable task = () -> {
            write(decided, gone);
            if (oldest != null) {
                metrics.batchDelivered(oldest);
            }
        };
        if (queued.get() == 0 && small(decided) && writing.tryLock()) {
            try {
                if (queued.get() == 0) { // nothing queued meanwhile: nothing is written before it any more
                    INLINE.increment();
                    task.run();
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("Could not write a batch of events", e); // as the delivery thread's handler would
                return;
            } finally {
                writing.unlock();
            }
        }
        enqueue(task);
    }

    /**
     * Ends {@code failed} subscriptions with an {@code INTERNAL} error, after the events already
     * queued for them; they were removed from their groups, so nothing follows.
     */
    void fail(List<Subscriber> failed) {
        enqueue(() -> failed.forEach(EventWriter::fail));
    }

    /** Batches written on the caller's thread since the process started. */
    public static long inlineWrites() {
        return INLINE.sum();
    }

    private void enqueue(Runnable task) {
        queued.incrementAndGet();
        delivery.execute(() -> {
            writing.lock();
            try {
                task.run();
            } finally {
                writing.unlock();
                queued.decrementAndGet();
            }
        });
    }

    /** At most {@link #INLINE_FRAMES} frames, each written without an execution. */
    private static boolean small(List<Decided> decided) {
        int frames = 0;
        for (Decided d : decided) {
            for (Subscriber subscriber : d.group().subscribers) {
                frames += d.events().size();
                if (frames > INLINE_FRAMES || !DirectEvents.direct(subscriber)) {
                    return false;
                }
            }
        }
        return true;
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
