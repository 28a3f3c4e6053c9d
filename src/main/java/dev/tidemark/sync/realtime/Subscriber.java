package dev.tidemark.sync.realtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tidemark.sync.error.LimitExceededException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * One live subscription: its event stream and the WebSocket connection it belongs to.
 *
 * <p>Events wait in an unbounded, lazily growing queue (an idle subscription holds no buffer); a
 * client that falls more than {@code limit} events behind gets an error and must resubscribe and
 * sync. Serialising an event for the client (SmallRye runs the selection set per subscription)
 * happens on the worker pool, not on the tailer thread, and in order per subscription.
 */
final class Subscriber {

    final ClientConnection connection;
    private final UnicastProcessor<ChangeEvent<?>> processor;
    private final AtomicInteger pending = new AtomicInteger();
    private final int limit;

    Subscriber(ClientConnection connection, int limit, Runnable onTermination) {
        this.connection = connection;
        this.limit = limit;
        this.processor = UnicastProcessor.create(new ConcurrentLinkedQueue<>(), onTermination);
    }

    Multi<ChangeEvent<?>> events() {
        return processor.emitOn(Infrastructure.getDefaultWorkerPool()).onItem().invoke(e -> pending.decrementAndGet());
    }

    void offer(ChangeEvent<?> event) {
        if (pending.incrementAndGet() > limit) {
            processor.onError(new LimitExceededException(null, "this subscription fell more than " + limit
                    + " events behind (tidemark.realtime.subscriber-buffer); subscribe again and sync"));
        } else {
            processor.onNext(event);
        }
    }

    void complete() {
        processor.onComplete();
    }
}
