package dev.tidemark.sync.realtime.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;

import dev.tidemark.sync.realtime.protocol.OperationQueue.Admission;
import dev.tidemark.sync.realtime.protocol.OperationQueue.Waiting;

/** A connection's operations: a few run at once, a bounded number wait in order, cancelled ones never run. */
class OperationQueueTest {

    private static Waiting op(String id) {
        return new Waiting(id, JsonValue.EMPTY_JSON_OBJECT, new ClientConnection.Operation());
    }

    @Test
    void shouldRunUpToItsSlotsThenQueueInOrderThenRefuse() {
        OperationQueue queue = new OperationQueue(2, 2);
        assertEquals(Admission.RUN, queue.offer(op("a")));
        assertEquals(Admission.RUN, queue.offer(op("b")));
        Waiting c = op("c");
        Waiting d = op("d");
        assertEquals(Admission.QUEUED, queue.offer(c));
        assertEquals(Admission.QUEUED, queue.offer(d));
        assertEquals(Admission.REFUSED, queue.offer(op("e")));
        assertEquals(c, queue.finished(), "the first waiting takes the freed slot");
        assertEquals(d, queue.finished());
        assertEquals(2, queue.running());
        assertNull(queue.finished());
        assertNull(queue.finished());
        assertEquals(0, queue.running());
        assertEquals(Admission.RUN, queue.offer(op("f")));
    }

    @Test
    void shouldNeverHandOverAnOperationCompletedWhileItWaited() {
        OperationQueue queue = new OperationQueue(1, 3);
        queue.offer(op("a"));
        Waiting b = op("b");
        Waiting c = op("c");
        queue.offer(b);
        queue.offer(c);
        b.operation().cancelled = true;
        assertEquals(c, queue.finished());
        assertNull(queue.finished());
        assertEquals(0, queue.running());
    }

    @Test
    void shouldMakeRoomByDroppingCompletedOperationsBeforeRefusing() {
        OperationQueue queue = new OperationQueue(1, 2);
        queue.offer(op("a"));
        Waiting b = op("b");
        queue.offer(b);
        queue.offer(op("c"));
        b.operation().cancelled = true; // a subscribe/complete churn leaves its completed operations waiting
        assertEquals(Admission.QUEUED, queue.offer(op("d")));
        assertEquals(2, queue.waiting());
        assertEquals(Admission.REFUSED, queue.offer(op("e")));
    }
}
